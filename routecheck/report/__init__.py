"""Monitor after switching: what the runtime's ledger says about live calls, and when to revert."""

from routecheck.report.figures import Advice, LedgerReport, TaskFigures, build_report
from routecheck.report.ledger_reader import LedgerSummary, open_backend, read_summary

__all__ = ["Advice", "LedgerReport", "LedgerSummary", "TaskFigures", "build_report", "open_backend", "read_summary"]
