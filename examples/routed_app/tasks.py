"""The app's task types, named once. Typed with the generated TaskType, so a typo fails type checking."""

from examples.routed_app.llm_routes import TaskType

CLASSIFY: TaskType = "classify_intent"
EXTRACT: TaskType = "extract_entities"
DRAFT_REPLY: TaskType = "draft_email"
REVIEW: TaskType = "review_code"
