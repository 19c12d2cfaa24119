"""What a scan looks for, fixed for a run: the model matcher, task names and routing-call names."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from routecheck import __version__
from routecheck.model_ids import sdk_model_ids

#: Module-level routing functions of the generated client.
ROUTE_FUNCTIONS = frozenset({"call_ai", "acall_ai"})
#: Routing methods of the generated client's Router / AsyncRouter (on anything named like a router).
ROUTER_METHODS = frozenset({"call", "acall", "create", "acreate", "create_on_tier"})


@dataclass(frozen=True)
class ScanSettings:
    """Everything that decides what a file's facts are (and so the cache key)."""

    known_models: tuple[str, ...] = ()
    model_patterns: tuple[str, ...] = ()
    task_names: tuple[str, ...] = ()
    task_calls: tuple[str, ...] = ()
    max_bytes: int = 2_000_000
    #: Record which task names each file quotes (for RC206 on whole-project scans; costs a search per task).
    task_usage: bool = False

    def fingerprint(self) -> str:
        """A hash of the settings and the routecheck version: the cache key of a file's facts."""

        payload = json.dumps(
            [__version__, sorted(self.known_models), list(self.model_patterns), sorted(self.task_names),
             list(self.task_calls), self.max_bytes, self.task_usage, sorted(sdk_model_ids())]
        )
        return hashlib.sha256(payload.encode()).hexdigest()
