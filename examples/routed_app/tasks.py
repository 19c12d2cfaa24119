"""The app's task types, named once; values are task names of routing.toml."""

from enum import StrEnum


class Task(StrEnum):
    CLASSIFY = "classify_intent"
    EXTRACT = "extract_entities"
    DRAFT_REPLY = "draft_email"


REVIEW = "review_code"
