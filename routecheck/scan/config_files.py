"""RC205: model ids in configuration files, by a plain text scan (comment lines skipped)."""

from __future__ import annotations

import re

from routecheck.model_ids import ModelMatcher
from routecheck.scan.facts import FileFacts, FileNote, ModelHit
from routecheck.scan.prefilter import Prefilter
from routecheck.scan.source import Undecodable, decode_text, is_binary
from routecheck.scan.suppress import parse_suppressions

_COMMENT_STARTS = ("#", ";", "//")
# Other routecheck policies and evidence files (examples, fixtures) hold model ids by design.
_POLICY = re.compile(r"^version\s*=\s*1\s*(?:#.*)?$.*^\[tiers\.", re.MULTILINE | re.DOTALL)
_EVIDENCE = re.compile(r"^candidate_model\s*=.*^reference_model\s*=", re.MULTILINE | re.DOTALL)


def config_facts(data: bytes, matcher: ModelMatcher, prefilter: Prefilter) -> FileFacts:
    """The model ids on the non-comment lines of a config file (YAML, JSON, TOML, INI, .env)."""
    if not prefilter.models(data) and b"routecheck" not in data:
        return FileFacts()
    if is_binary(data):
        return FileFacts(notes=(FileNote(1, 1, "binary file (NUL bytes); skipped"),))
    text = decode_text(data.removeprefix(b"\xef\xbb\xbf"))
    if isinstance(text, Undecodable):
        return FileFacts(notes=(FileNote(text.line, text.column, text.message),))
    if _POLICY.search(text) or _EVIDENCE.search(text):
        return FileFacts(suppressions=parse_suppressions(text))
    hits = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(_COMMENT_STARTS):
            continue
        for match in matcher.finditer(line):
            hits.append(ModelHit(number, match.start + 1, match.model))
    return FileFacts(models=tuple(hits), suppressions=parse_suppressions(text))
