"""Ledger targets and redaction: a password never leaves the URL it came in."""

from __future__ import annotations

import pytest

from routecheck.runtime.ledger_url import is_postgres, redact, scrub


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app:s3cr3t@db:5432/llm", "postgresql://app:***@db:5432/llm"),
        ("postgres://app@db/llm", "postgres://app@db/llm"),
        ("postgresql://db/llm?user=app&password=s3cr3t&sslmode=require",
         "postgresql://db/llm?user=app&password=***&sslmode=require"),
        ("postgresql://app:p%40ss@db/llm", "postgresql://app:***@db/llm"),
        ("postgresql://app:s3cr3t@db:notaport/llm?password=x", "postgresql://app:***@db:notaport/llm?password=***"),
        ("postgresql://app:s3cr3t@[::1/llm", "postgresql://***@[::1/llm"),
        ("postgresql:///llm?host=/run/postgresql", "postgresql:///llm?host=/run/postgresql"),
    ],
)
def test_redact_masks_the_password_wherever_the_url_holds_it(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_scrub_masks_a_password_quoted_back_by_a_driver() -> None:
    url = "postgresql://app:s3cr3t@db/llm"
    assert scrub('FATAL: password "s3cr3t" is wrong', url) == 'FATAL: password "***" is wrong'
    assert scrub("no secret here", "postgresql://app@db/llm") == "no secret here"


@pytest.mark.parametrize(("target", "expected"), [
    ("postgresql://db/llm", True), ("POSTGRES://db/llm", True), ("ledger.sqlite", False),
    ("/var/lib/postgresql/ledger.db", False),
])
def test_is_postgres(target: str, expected: bool) -> None:
    assert is_postgres(target) is expected
