"""`routecheck generate`: the typed client module rendered from the policy, and its staleness check (RC207)."""

from routecheck.codegen.render import GENERATED_MARKER, render_client
from routecheck.codegen.stale import ClientState, client_state, stale_client_findings
from routecheck.scan.rules import stale_client

__all__ = ["GENERATED_MARKER", "ClientState", "client_state", "render_client", "stale_client", "stale_client_findings"]
