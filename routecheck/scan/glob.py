"""Path globs as config files write them: `*` within a folder, `**` across folders, a folder means all below."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().strip("/").removeprefix("./")
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    # a pattern naming a folder (or matching one) covers everything below it; a wildcard pattern
    # without a slash ("*.json", "test_*.py") matches in any folder, as in .gitignore
    anywhere = "(?:.*/)?" if "/" not in pattern and ("*" in pattern or "?" in pattern) else ""
    return re.compile(anywhere + "".join(out) + "(?:/.*)?")


def glob_matches(path: str, pattern: str) -> bool:
    """Does the POSIX relative `path` match `pattern` (or lie below a folder it matches)?"""
    return _compile(pattern).fullmatch(path) is not None
