"""An LLM-dense synthetic tree for `benchmarks/scan.py --dense`: the code routecheck's users write.

Registries of model ids, `Literal[...]` aliases, agent classes with model defaults, pytest modules
parametrised over ids, provider-prefixed forms, SDK calls (>= 5 % of files, wrappers included),
routing calls and notebooks; >= 30 % of the files hold a model id. Every finding is planted and
counted, so the benchmark checks that the scan found exactly what was planted. Generated from a
fixed seed, nothing downloaded.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

IDS = ("claude-sonnet-4-6", "claude-haiku-4-5-20251001", "claude-opus-4-6", "gpt-4o", "gpt-4.1-mini", "o3-mini",
       "gemini-2.5-pro", "gemini-2.0-flash", "openai:gpt-5.2", "anthropic:claude-sonnet-4-6", "openai/gpt-4o",
       "bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0", "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
       "google-gla:gemini-2.5-flash", "text-embedding-3-small", "gemini-embedding-001")
TASKS = ("classify_intent", "extract_entities", "draft_email", "review_code")
WORDS = ("order", "invoice", "customer", "ticket", "report", "session", "payment", "account", "shipment",
         "profile", "catalog", "review", "metric", "event", "queue", "token", "budget", "schedule")
VERBS = ("Summarise", "Classify", "Extract", "Rewrite", "Answer", "Translate", "Review", "Plan")
Counts = dict[str, int]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}_{rng.choice(WORDS)}"


def _cls(rng: random.Random) -> str:
    return "".join(w.title() for w in (rng.choice(WORDS), rng.choice(WORDS)))


def _prompt(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} the {rng.choice(WORDS)} below in {rng.randint(2, 9)} bullet points."


def registry(rng: random.Random) -> tuple[str, Counts]:
    n = rng.randint(4, 12)
    rows = "".join(f'    "{_name(rng)}_{i}": "{rng.choice(IDS)}",\n' for i in range(n))
    alias = ", ".join(repr(a) for a in rng.sample(IDS[:8], 3))
    text = (f"\n\nMODEL_REGISTRY = {{\n{rows}}}\n\nModelName = Literal[{alias}]\n"
            f'\nDEFAULT_MODEL = os.getenv("LLM_MODEL", "{rng.choice(IDS)}")\n')
    return text, {"RC201": n + 4}


def agent(rng: random.Random) -> tuple[str, Counts]:
    methods = "".join(
        f"\n    def {_name(rng)}(self, text: str) -> str:\n"
        f'        """{_prompt(rng)}"""\n'
        f'        messages = [{{"role": "system", "content": "{_prompt(rng)}"}}, {{"role": "user", "content": text}}]\n'
        f'        reply = self.router.call("{rng.choice(TASKS)}", text, system=messages[0]["content"])\n'
        "        return reply.strip()\n"
        for _ in range(rng.randint(2, 6)))
    text = (f"\n\nclass {_cls(rng)}Agent:\n"
            f'    """An agent step: prompts, tools and a model for the {rng.choice(WORDS)} workflow."""\n\n'
            f'    model: str = "{rng.choice(IDS)}"\n'
            f"    temperature: float = 0.{rng.randint(0, 9)}\n"
            f'    tools = [{{"name": "{_name(rng)}", "description": "Look up a {rng.choice(WORDS)}."}}]\n\n'
            "    def __init__(self, router) -> None:\n        self.router = router\n" + methods)
    return text, {"RC201": 1}


def test_module(rng: random.Random) -> tuple[str, Counts]:
    cases = ", ".join(f'"{i}"' for i in rng.sample(IDS, 3))
    name = _name(rng)
    text = (f'\n\n@pytest.mark.parametrize("model", [{cases}])\n'
            f"def test_{name}_accepts(model: str) -> None:\n"
            f"    config = Settings(model=model, max_tokens={rng.randint(16, 4096)})\n"
            "    assert config.model == model\n"
            '    assert config.provider in ("anthropic", "openai", "google")\n\n\n'
            f"def test_{name}_default() -> None:\n"
            f'    assert Settings().model == "{rng.choice(IDS)}"\n')
    return text, {"RC201": 4}


def sdk_module(rng: random.Random) -> tuple[str, Counts]:
    call = rng.choice(("client.messages.create", "client.messages.with_raw_response.create",
                       "client.beta.messages.create", "openai_client.chat.completions.create"))
    text = (f"\n\ndef {_name(rng)}(client, openai_client, prompt: str) -> str:\n"
            f"    reply = {call}(\n        model=MODEL,\n        max_tokens={rng.randint(64, 2048)},\n"
            '        messages=[{"role": "user", "content": prompt}],\n    )\n    return str(reply)\n')
    return text, {"RC202": 1}


def routed(rng: random.Random) -> tuple[str, Counts]:
    bad = rng.random() < 0.2
    task = "summarise_everything" if bad else rng.choice(TASKS)
    text = (f"\n\ndef {_name(rng)}(text: str) -> str:\n"
            '    """Routed through the policy."""\n'
            f'    return call_ai("{task}", text, system="{_prompt(rng)}")\n')
    return text, {"RC203": 1} if bad else {}


def plain(rng: random.Random) -> str:
    """LLM-flavoured code with no finding: prompts, message lists, the word "model" everywhere."""
    return (f"\n\ndef build_{_name(rng)}_messages(history: list[dict[str, str]], text: str, model_name: str)"
            " -> list[dict[str, str]]:\n"
            f'    """Build the messages for the {rng.choice(WORDS)} prompt; the model is chosen by the policy."""\n'
            f'    system = "{_prompt(rng)}"\n'
            f'    trimmed = [m for m in history[-{rng.randint(2, 20)}:] if m["role"] in ("user", "assistant")]\n'
            '    return [{"role": "system", "content": system}, *trimmed, {"role": "user", "content": text}]\n'
            f"\n\ndef {_name(rng)}(values: dict[str, int]) -> int:\n"
            f"    total = 0\n    for key, value in values.items():\n        if value > {rng.randint(1, 99)}:\n"
            "            total += value\n    return total\n")


def notebook(rng: random.Random) -> tuple[str, Counts]:
    def code(lines: list[str]) -> dict[str, object]:
        return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": lines}

    cells = [{"cell_type": "markdown", "metadata": {}, "source": [f"# {_prompt(rng)}\n"]},
             code(["%pip install anthropic\n", "import anthropic\n", f'MODEL = "{rng.choice(IDS)}"\n']),
             code(["client = anthropic.Anthropic()\n",
                   "reply = client.messages.create(model=MODEL, max_tokens=64, messages=[])\n"])]
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1) + "\n", {"RC201": 1, "RC202": 1}


KINDS: tuple[tuple[Callable[[random.Random], tuple[str, Counts]], float], ...] = (
    (registry, 0.10), (agent, 0.14), (test_module, 0.12), (sdk_module, 0.07), (routed, 0.12))
HEADER = ('"""The {word} module, with prompts tuned on claude-sonnet-4-6 (documentation: never a finding)."""\n\n'
          "import os\nfrom typing import Literal\n\nimport pytest\n")


def write_tree(root: Path, min_lines: int, seed: int = 20261202) -> tuple[int, int, Counts, list[Path], list[Path]]:
    """Files under `root/src` until `min_lines`; (lines, files, planted counts, files with findings, clean files)."""
    rng = random.Random(seed)
    lines = files = 0
    planted: Counts = {}
    finding_files: list[Path] = []
    clean_files: list[Path] = []
    while lines < min_lines:
        package = root / "src" / rng.choice(WORDS) / rng.choice(WORDS)
        package.mkdir(parents=True, exist_ok=True)
        expected: Counts = {}
        if rng.random() < 0.02:
            text, expected = notebook(rng)
            path = package / f"{_name(rng)}_{files}.ipynb"
        else:
            parts = [HEADER.format(word=rng.choice(WORDS))]
            parts += [plain(rng) for _ in range(rng.randint(2, 6))]
            for make, share in KINDS:
                if rng.random() < share:
                    snippet, counts = make(rng)
                    parts.append(snippet)
                    for code_, n in counts.items():
                        expected[code_] = expected.get(code_, 0) + n
            text = "".join(parts)
            path = package / f"{_name(rng)}_{files}.py"
        for code_, n in expected.items():
            planted[code_] = planted.get(code_, 0) + n
        (finding_files if expected else clean_files).append(path)
        path.write_text(text)
        lines += text.count("\n")
        files += 1
    return lines, files, planted, finding_files, clean_files
