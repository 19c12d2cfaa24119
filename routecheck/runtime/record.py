"""One ledger row and what every writer of rows shares (the SQLite ledger, the fleet spool and shipper).

Below `ledger`, `spool` and `fleet` so that `ledger.open_ledger` can pick the fleet writer without a cycle.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from routecheck.runtime.ledger_schema import SCHEMA_VERSION

INSTANCE_ENV = "ROUTECHECK_INSTANCE"


def new_row_id() -> str:
    """A UUIDv7 (RFC 9562): milliseconds since the epoch, then 74 random bits; unique and time-ordered."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10))
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def instance_name(environ: Mapping[str, str] | None = None) -> str:
    """This replica's name: ROUTECHECK_INSTANCE, else host:pid."""
    env = os.environ if environ is None else environ
    return env.get(INSTANCE_ENV) or f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One API call as the ledger stores it (every column of `calls` but `id`)."""

    ts: float
    task: str
    requested_tier: str
    tier: str
    model: str
    upgrade: str | None
    input_tokens: int
    output_tokens: int
    cost_usd: float
    latency_ms: float
    validation: str | None
    status: str
    error_type: str | None
    purpose: str = "live"
    row_id: str = field(default_factory=new_row_id)
    instance: str = ""
    policy_sha256: str = ""


class LedgerError(Exception):
    """The ledger has a schema this version cannot write."""


def newer_schema(shown: str, version: int) -> str:
    return (f"{shown}: ledger schema version {version} is newer than this routecheck's ({SCHEMA_VERSION}); "
            "upgrade routecheck")
