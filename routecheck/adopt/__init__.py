"""`routecheck init`: a starting policy that changes no behaviour, from what the scanner finds in the code."""

from routecheck.adopt.init import InitResult, init_project

__all__ = ["InitResult", "init_project"]
