"""routecheck: config-as-code for LLM model tiers, with a linter, a scanner and a runtime client.

The package root stays import-light on purpose: the CLI's start-up path imports only this module
and argparse until a command actually needs more.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
