"""JSON Schemas of the file formats, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any, Literal

from routecheck.policy.evidence import Evidence
from routecheck.policy.model import Policy


def json_schema(document: Literal["policy", "evidence"] = "policy") -> str:
    model = Policy if document == "policy" else Evidence
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    schema.update(model.model_json_schema())
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"
