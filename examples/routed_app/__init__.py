"""A small support app that routes every model call through the generated client (a clean scan)."""
