"""Exports for the tools the field already uses, from the same graph and with the same numbers
as the saved queries: IATI 2.03 activities (`iati.py`) and tidy tables with a Frictionless Data
Package (`tables.py`). Both read the store in bulk through `graph.py`; neither knows click."""

from __future__ import annotations

from .iati import IatiExportError, IatiResult, ReportingOrg, export_iati

__all__ = ["IatiExportError", "IatiResult", "ReportingOrg", "export_iati"]
from .tables import TablesExportError, TablesResult, export_tables  # noqa: E402

__all__ += ["TablesExportError", "TablesResult", "export_tables"]
