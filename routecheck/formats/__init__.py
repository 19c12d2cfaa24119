"""Output formats for findings. Each renders a Report; none knows anything about individual rules."""

from __future__ import annotations

from collections.abc import Callable

from routecheck.finding import Report

Renderer = Callable[[Report], str]

FORMATS = ("text", "json", "sarif", "github")


def renderer(name: str) -> Renderer:
    """The render function of format `name` (one of FORMATS)."""
    # lazy: a run imports only the format it prints (sarif's and github's are rarely wanted)
    if name == "json":
        from routecheck.formats.json import render
    elif name == "sarif":
        from routecheck.formats.sarif import render
    elif name == "github":
        from routecheck.formats.github import render
    else:
        from routecheck.formats.text import render
    return render
