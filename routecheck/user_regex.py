"""The regular expressions users write (`model-patterns`), run by RE2: linear time in the text, always.

Python's `re` backtracks, so a pattern like `(a+)+$` takes exponential time on a crafted string: a
pull request adding such a string would stall every scan of the repository. RE2 (google-re2) matches
in time linear in the text for any pattern, at the price of no lookaround and no backreferences;
a pattern needing them is rejected where it is configured, with the reason.
"""

from __future__ import annotations

from typing import Any

import re2

_QUIET = re2.Options()
_QUIET.log_errors = False  # RE2 would print its parse errors to stderr; ours are located messages


def compile_user(pattern: str | bytes) -> Any:
    """`pattern` compiled by RE2; ValueError (with RE2's reason) for one it cannot run."""
    try:
        return re2.compile(pattern, options=_QUIET)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(f"not a pattern that runs in linear time ({reason}; lookarounds and backreferences "
                         "are not supported)") from None
