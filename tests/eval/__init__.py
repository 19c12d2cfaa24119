"""Tests of routecheck eval and routecheck report (a package, so its conftest never shadows tests/conftest.py)."""
