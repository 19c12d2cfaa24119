"""Monitor after switching: what the runtime's ledger says about live calls, and when to revert."""

from routecheck.report.figures import Advice, LedgerReport, TaskFigures, build_report
from routecheck.report.ledger_reader import read_ledger

__all__ = ["Advice", "LedgerReport", "TaskFigures", "build_report", "read_ledger"]
