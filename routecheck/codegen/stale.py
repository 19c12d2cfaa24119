"""RC207 stale-client: the generated client must be exactly what the policy generates now."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from routecheck.atomic import write_atomically
from routecheck.codegen.render import SHA_PREFIX, render_client
from routecheck.cost.book import require_prices
from routecheck.errors import Problem, UsageError
from routecheck.files import UnreadableFile, read_regular_file
from routecheck.finding import Finding
from routecheck.paths import display_path
from routecheck.runtime.policy import RuntimePolicy
from routecheck.scan.rules import stale_client

if TYPE_CHECKING:
    from routecheck.config import Project
    from routecheck.policy.loader import PolicyFile



@dataclass(frozen=True)
class ClientState:
    """The client file as it is and as the policy generates it."""

    path: Path
    display: str
    expected: str
    actual: str | None

    @property
    def stale(self) -> bool:
        return self.actual != self.expected

    def finding(self) -> Finding:
        """The RC207 finding for a stale client (call only when `stale`)."""
        generated_from = None if self.actual is None else _header_sha(self.actual, SHA_PREFIX)
        message = stale_client(self.display, generated_from=generated_from,
                               expected=_header_sha(self.expected, SHA_PREFIX), exists=self.actual is not None)
        return stale_client.finding(self.display, 1, 1, message)

    def diff(self) -> str:
        """A unified diff from the file on disk to the file the policy generates."""
        return "".join(
            difflib.unified_diff(
                (self.actual or "").splitlines(keepends=True),
                self.expected.splitlines(keepends=True),
                fromfile=f"{self.display} (on disk)",
                tofile=f"{self.display} (generated)",
            )
        )

    def write(self) -> None:
        """Write the expected text atomically."""
        write_atomically(self.path, self.expected)


def client_state(project: Project, source: PolicyFile, out: Path | None = None, *, today: date) -> ClientState:
    """The client `out` (else `[tool.routecheck] client`) against what `source` generates.

    A tier without typed prices embeds genai-prices' prices of `today` (the data keeps dated changes).
    """
    from_config = out is None
    if out is None:
        if project.config.client is None:
            raise UsageError("no client file: set [tool.routecheck] client in pyproject.toml or pass --out FILE")
        out = project.configured_path("client", "--out FILE")
    policy = RuntimePolicy.from_policy(source.policy, require_prices(source, today))
    expected = render_client(policy, source=_policy_name(source.path, out))
    try:
        actual: str | None = read_regular_file(out).decode("utf-8")
    except UnreadableFile as exc:
        if exc.missing:
            actual = None
        elif from_config and project.sets("client"):
            problem = Problem(display_path(out), None, None, "", exc.about("client file"))
            raise project.file_error("client", "client file", (problem,)) from None
        else:
            raise UsageError(f"{display_path(out)}: {exc.about('client file')}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{display_path(out)}: the client file is not valid UTF-8") from None
    return ClientState(out, display_path(out), expected, actual)


def stale_client_findings(project: Project, source: PolicyFile, *, today: date) -> list[Finding]:
    """RC207 when `[tool.routecheck] client` is configured and stale; nothing when it is not configured."""
    if project.config.client is None:
        return []
    state = client_state(project, source, today=today)
    return [state.finding()] if state.stale else []


def _policy_name(policy: Path, client: Path) -> str:
    """The policy's path relative to the client's folder: the same whatever folder `generate` runs in,
    and never an absolute path of this machine."""
    try:
        return Path(os.path.relpath(policy.resolve(), client.resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return policy.name


def _header_sha(text: str, prefix: str) -> str | None:
    for line in text.splitlines()[:5]:
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    return None
