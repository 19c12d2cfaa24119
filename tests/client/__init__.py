"""Tests of the runtime client (a package, so its conftest never shadows tests/conftest.py)."""
