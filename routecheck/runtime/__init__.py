"""The routing runtime that generated clients import: the policy enforced at call time.

Cheap to import: no pydantic models of routecheck's own and no libcst. The routers (which need
anthropic and opentelemetry-api, an anthropic dependency) load on first use, so tools that only
need `RuntimePolicy` or the ledger (such as `routecheck generate`) never import the SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from routecheck.runtime.errors import (
    ModelNotAllowed,
    OverrideError,
    RoutingError,
    UnregisteredTaskType,
    ValidationFailed,
)
from routecheck.runtime.ledger import LEDGER_SCHEMA_VERSION, CallRecord, Ledger, LedgerWriter, open_ledger
from routecheck.runtime.policy import Rates, RuntimePolicy, TaskSpec, TierSpec, UpgradeRule

if TYPE_CHECKING:
    from routecheck.runtime.core import JsonModel, Validator
    from routecheck.runtime.router import AsyncRouter, BaseAsyncRouter, BaseRouter, Router, RouterOptions

__all__ = [
    "LEDGER_SCHEMA_VERSION",
    "AsyncRouter",
    "BaseAsyncRouter",
    "BaseRouter",
    "CallRecord",
    "JsonModel",
    "Ledger",
    "LedgerWriter",
    "ModelNotAllowed",
    "OverrideError",
    "Rates",
    "Router",
    "RouterOptions",
    "RoutingError",
    "RuntimePolicy",
    "TaskSpec",
    "TierSpec",
    "UnregisteredTaskType",
    "UpgradeRule",
    "ValidationFailed",
    "Validator",
    "open_ledger",
]

_LAZY = {
    "JsonModel": "routecheck.runtime.core",
    "Validator": "routecheck.runtime.core",
    "AsyncRouter": "routecheck.runtime.router",
    "BaseAsyncRouter": "routecheck.runtime.router",
    "BaseRouter": "routecheck.runtime.router",
    "Router": "routecheck.runtime.router",
    "RouterOptions": "routecheck.runtime.router",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'routecheck.runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
