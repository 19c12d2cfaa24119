"""Routing decisions as pure functions: the stakes floor holds under every override."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from routecheck.runtime import RuntimePolicy, TaskSpec, TierSpec
from routecheck.runtime.routing import parse_override, plan_routes

TIERS = (
    TierSpec("haiku", "h", 1, 1.0, 5.0), TierSpec("sonnet", "s", 2, 3.0, 15.0), TierSpec("opus", "o", 3, 5.0, 25.0),
)
TASKS = (
    TaskSpec("cheap", "haiku", "low", 16),
    TaskSpec("careful", "sonnet", "high", 16),
    TaskSpec("final", "opus", "irreversible", 16),
    TaskSpec("misplaced", "haiku", "high", 16),  # below its floor in the policy itself
)
POLICY = RuntimePolicy("sonnet", "error", TIERS, TASKS)
FLOOR = {"cheap": 1, "careful": 2, "final": 3, "misplaced": 2}

overrides = st.dictionaries(
    st.sampled_from(["*", "cheap", "careful", "final", "misplaced"]), st.sampled_from(["haiku", "sonnet", "opus"])
)


@given(overrides)
def test_no_override_goes_below_the_stakes_floor(override: dict[str, str]) -> None:
    text = ",".join(f"{task}={tier}" for task, tier in override.items())
    routes = plan_routes(POLICY, parse_override(text, POLICY))
    for name, route in routes.items():
        asked = override.get(name, override.get("*", route.requested.name))
        expected_rank = max(POLICY.tier_by_name[asked].rank, FLOOR[name])
        assert route.tier.rank == expected_rank
        if route.tier.rank > POLICY.tier_by_name[asked].rank:
            assert route.upgrade == "floor"
        elif route.tier.name != route.requested.name:
            assert route.upgrade == "override"
        else:
            assert route.upgrade is None


def test_the_planned_routes_without_override() -> None:
    routes = plan_routes(POLICY, {})
    assert {name: (r.requested.name, r.tier.name, r.upgrade) for name, r in routes.items()} == {
        "cheap": ("haiku", "haiku", None),
        "careful": ("sonnet", "sonnet", None),
        "final": ("opus", "opus", None),
        "misplaced": ("haiku", "sonnet", "floor"),
    }
