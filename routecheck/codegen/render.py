"""Render the typed client module from a policy: deterministic, and safe against injection.

Safety: every name the policy puts into code is checked again here to be a plain identifier (the
loader already requires that), and every string and number is emitted with `repr`, which always
yields a Python literal. Nothing from the policy lands in a comment or docstring unquoted.
Determinism: tiers in rank order, tasks in name order, no timestamps; the same policy text always
gives the same bytes.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable

from routecheck import __version__
from routecheck.errors import RoutecheckError
from routecheck.runtime.policy import RuntimePolicy, TaskSpec, TierSpec, UpgradeRule
from routecheck.scan.settings import GENERATED_MARKER

__all__ = ["GENERATED_MARKER", "SHA_PREFIX", "render_client"]

SHA_PREFIX = "# policy sha256: "


def render_client(policy: RuntimePolicy, *, source: str) -> str:
    """The client module for `policy`; `source` names the policy file (shown quoted in the header)."""
    for name in [t.name for t in policy.tiers] + [t.name for t in policy.tasks]:
        _check_identifier(name)
    tasks = [task.name for task in policy.tasks]
    task_type = (
        "TaskType = Literal[\n" + "".join(f"    {name!r},\n" for name in tasks) + "]\n"
        if tasks
        else "TaskType = Never  # the policy has no tasks: no call type-checks\n"
    )
    tiers = "".join(_tier(t) for t in policy.tiers)
    task_specs = "".join(_task(task) for task in policy.tasks)
    return _TEMPLATE.format(
        marker=GENERATED_MARKER,
        sha_line=f"{SHA_PREFIX}{policy.sha256}",
        source=repr(source),
        version=__version__,
        task_type=task_type,
        typing_names="TYPE_CHECKING, Literal, Unpack" if tasks else "TYPE_CHECKING, Never, Unpack",
        sha256=repr(policy.sha256),
        default_tier=repr(policy.default_tier),
        unknown_tasks=repr(policy.unknown_tasks),
        tiers=tiers,
        tasks=task_specs,
        runtime_names=", ".join(["Rates"] * any(t.long_context for t in policy.tiers)
                                + ["RuntimePolicy", "TaskSpec", "TierSpec", "UpgradeRule"]),
    )


def _check_identifier(name: str) -> None:
    if not name.isidentifier() or not name.isascii() or keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise RoutecheckError(f"{name!r} cannot be a name in generated code (expected a plain Python identifier)")


def _tier(t: TierSpec) -> str:
    head = f"        TierSpec({t.name!r}, {t.model!r}, {t.rank!r}, {t.input_usd_per_mtok!r}, {t.output_usd_per_mtok!r}"
    extra = [f"{key}={getattr(t, key)!r}" for key in _TIER_PRICE_KEYS if getattr(t, key) is not None]
    long = t.long_context
    if long is not None:
        extra.append(f"long_context=Rates({long.input!r}, {long.output!r}, {long.cache_read!r}, "
                     f"{long.cache_write_5m!r}, {long.cache_write_1h!r})")
    if not extra:
        return head + "),\n"
    return head + ",\n" + "".join(f"                 {e},\n" for e in extra) + "        ),\n"


_TIER_PRICE_KEYS = ("cache_read_usd_per_mtok", "cache_write_usd_per_mtok", "cache_write_1h_usd_per_mtok",
                    "long_context_threshold")


def _task(task: TaskSpec) -> str:
    head = f"        TaskSpec({task.name!r}, {task.tier!r}, {task.stakes!r}, {task.max_tokens!r}"
    if not task.upgrades:
        return head + "),\n"
    return head + ", (\n" + "".join(_rules(task.upgrades)) + "        )),\n"


def _rules(rules: Iterable[UpgradeRule]) -> Iterable[str]:
    for rule in rules:
        extra = "" if rule.threshold is None else f", threshold={rule.threshold!r}"
        extra += "" if rule.count == "estimate" else f", count={rule.count!r}"
        yield f"            UpgradeRule({rule.when!r}, {rule.to!r}{extra}),\n"


_TEMPLATE = '''\
# {marker}.
# policy: {source}
{sha_line}
# Regenerate with `routecheck generate`; CI checks it with `routecheck generate --check`.
"""The typed routing client: the policy's task types, tiers and rules, enforced by routecheck.runtime.

    router = Router()                                   # or Router(client=anthropic.Anthropic(...))
    text = router.call("<task>", prompt, system="...")
    message = router.create("<task>", messages=[...])  # model and max_tokens come from the policy
    text = call_ai("<task>", prompt)                    # module-level, on a lazily built default Router
"""

from __future__ import annotations

import threading
from typing import {typing_names}

from routecheck.runtime import {runtime_names}
from routecheck.runtime.router import BaseAsyncRouter, BaseRouter, RouterOptions

if TYPE_CHECKING:
    import anthropic

__all__ = ["POLICY", "POLICY_SHA256", "AsyncRouter", "Router", "TaskType", "call_ai", "default_router"]

ROUTECHECK_VERSION = {version!r}
POLICY_SHA256 = {sha256}

{task_type}
POLICY = RuntimePolicy(
    default_tier={default_tier},
    unknown_tasks={unknown_tasks},
    tiers=(
{tiers}    ),
    tasks=(
{tasks}    ),
    sha256=POLICY_SHA256,
)


class Router(BaseRouter[TaskType]):
    """Routes each task type to its policy tier through an `anthropic.Anthropic` client."""

    def __init__(self, client: anthropic.Anthropic | None = None, **options: Unpack[RouterOptions]) -> None:
        super().__init__(POLICY, client, **options)


class AsyncRouter(BaseAsyncRouter[TaskType]):
    """Routes each task type to its policy tier through an `anthropic.AsyncAnthropic` client."""

    def __init__(self, client: anthropic.AsyncAnthropic | None = None, **options: Unpack[RouterOptions]) -> None:
        super().__init__(POLICY, client, **options)


_default: Router | None = None
_default_lock = threading.Lock()


def default_router() -> Router:
    """The Router that call_ai uses, built on first use (from ANTHROPIC_API_KEY and friends)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Router()
        return _default


def call_ai(task_type: TaskType, prompt: str, system: str = "", max_tokens: int | None = None) -> str:
    """Send `prompt` for `task_type` on the tier the policy gives it; return the reply text (`max_tokens`
    above the policy's cap is capped)."""
    return default_router().call(task_type, prompt, system=system, max_tokens=max_tokens)
'''
