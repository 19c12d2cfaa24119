"""routecheck schema: the JSON Schema of the policy (or evidence) file format, for editors."""

from __future__ import annotations

import argparse

HELP = "print the JSON Schema of the policy file format (for Taplo / Even Better TOML)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("document", nargs="?", choices=("policy", "evidence"), default="policy")


def run(args: argparse.Namespace) -> int:
    import sys

    from routecheck.policy.schema import json_schema

    sys.stdout.write(json_schema(args.document))
    return 0
