"""The error an Annex A source raises when it cannot be read as Annex A lists at all."""

from __future__ import annotations

from wtguidance.errors import CaseError

__all__ = ["AnnexAError"]


class AnnexAError(CaseError):
    """An Annex A workbook or CSV folder that cannot be read as lists 1–7.

    Codes: ``unrecognised-list`` (a sheet announced as, or the only candidate for, a list
    lacks required columns — the message names the sheet and the columns),
    ``ambiguous-column`` (two columns fit one required field), ``unreadable-workbook``
    (not an .xlsx file, or a damaged one), ``input-too-large``.
    """

    default_code = "unrecognised-list"
