"""The article's registry, as most codebases start: a dict from task type to model id."""

import anthropic

MODEL_REGISTRY = {
    "classify_intent": "claude-haiku-4-5-20251001",
    "extract_entities": "claude-haiku-4-5-20251001",
    "summarize_short": "claude-haiku-4-5-20251001",
    "draft_email": "claude-sonnet-4-6",
    "review_code": "claude-sonnet-4-6",
    "plan_agent_steps": "claude-sonnet-4-6",
}

client = anthropic.Anthropic()


def call_ai(task_type: str, prompt: str, system: str = "") -> str:
    model = MODEL_REGISTRY.get(task_type, "claude-sonnet-4-6")  # Sonnet as safe default
    response = client.messages.create(
        model=model,
        max_tokens=1024,
        system=system,
        messages=[{"role": "user", "content": prompt}],
    )
    return response.content[0].text
