"""Ticket handlers written over the years, each with its own idea of which model to use."""

import os

from anthropic import AsyncAnthropic as Claude
from pydantic import BaseModel, Field

from .registry import call_ai

SUMMARY_MODEL = os.getenv("SUMMARY_MODEL", "claude-3-5-haiku-20241022")


class ReviewSettings(BaseModel):
    model: str = Field(default="claude-opus-4-6", description="model for security reviews")
    max_tokens: int = 4096


def triage(ticket: str) -> str:
    return call_ai("classify_intent", ticket)


def summarize(ticket: str) -> str:
    return call_ai("summarise_ticket", ticket)  # renamed in the policy long ago


async def security_review(diff: str, settings: ReviewSettings) -> str:
    client = Claude()
    async with client.messages.stream(
        model=settings.model, max_tokens=settings.max_tokens, messages=[{"role": "user", "content": diff}]
    ) as stream:
        return await stream.get_final_text()


def headline(text: str, client) -> str:
    reply = client.messages.create(model=SUMMARY_MODEL, max_tokens=30, messages=[{"role": "user", "content": text}])
    return f"[{'claude-haiku-4-5'}] " + reply.content[0].text
