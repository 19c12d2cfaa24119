"""The routing runtime that generated clients import: the policy enforced at call time.

Small and cheap to import: no pydantic models of routecheck's own and no libcst; anthropic and
opentelemetry-api (an anthropic dependency) only.
"""

from routecheck.runtime.core import JsonModel, Validator
from routecheck.runtime.errors import (
    ModelNotAllowed,
    OverrideError,
    RoutingError,
    UnregisteredTaskType,
    ValidationFailed,
)
from routecheck.runtime.ledger import LEDGER_SCHEMA_VERSION, CallRecord, Ledger
from routecheck.runtime.policy import RuntimePolicy, TaskSpec, TierSpec, UpgradeRule
from routecheck.runtime.router import AsyncRouter, BaseAsyncRouter, BaseRouter, Router

__all__ = [
    "LEDGER_SCHEMA_VERSION",
    "AsyncRouter",
    "BaseAsyncRouter",
    "BaseRouter",
    "CallRecord",
    "JsonModel",
    "Ledger",
    "ModelNotAllowed",
    "OverrideError",
    "Router",
    "RoutingError",
    "RuntimePolicy",
    "TaskSpec",
    "TierSpec",
    "UnregisteredTaskType",
    "UpgradeRule",
    "ValidationFailed",
    "Validator",
]
