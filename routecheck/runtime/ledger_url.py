"""Ledger targets: a SQLite file path or a `postgresql://` URL, and keeping the URL's password out of text.

Every message, log line and span that names a PostgreSQL ledger goes through `redact`; text that may
quote the URL back (a driver's error) goes through `scrub`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

SCHEMES = ("postgresql://", "postgres://")
MASK = "***"
_SECRET_PARAMS = frozenset({"password", "sslpassword"})


def is_postgres(target: str) -> bool:
    """Whether `target` names a PostgreSQL database rather than a SQLite file."""
    return target.strip().lower().startswith(SCHEMES)


def password_of(url: str) -> str | None:
    """The password the URL carries (in its user info or its query), if any."""
    parts = urlsplit(url)
    if parts.password:
        return parts.password
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in _SECRET_PARAMS and value:
            return value
    return None


def redact(url: str) -> str:
    """The URL with its password replaced by ***; safe to print."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.split(':', 1)[0]}:{MASK}@{host}"
        query = "&".join(f"{pair.split('=', 1)[0]}={MASK}" if pair.split("=", 1)[0] in _SECRET_PARAMS else pair
                         for pair in parts.query.split("&")) if parts.query else ""
        # built by hand: urlunsplit drops the "//" of an empty host (a Unix socket URL)
        return (f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")
                + (f"#{parts.fragment}" if parts.fragment else ""))
    except ValueError:  # a URL too broken to parse (say, a bad port): show none of its user info
        return re.sub(r"//[^/@]*@", f"//{MASK}@", url.split("?", 1)[0])


def scrub(text: str, url: str) -> str:
    """`text` with the URL's password (if any) masked wherever it appears."""
    try:
        secret = password_of(url)
    except ValueError:
        secret = None
    return text.replace(secret, MASK) if secret else text
