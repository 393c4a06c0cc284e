"""Import applications from a CSV or XLSX sheet, for calls run on an online form.

The sheet's first row names the columns (case, spaces and underscores aside); each later row is
one application. Columns:

=================  ========  ==============================================================
column             required  what it holds
=================  ========  ==============================================================
round              yes       the round's name (or its id); the round must be open
applicant          yes       a member city (official name, short name or municipal code,
                             e.g. "eThekwini", "ETH") or a partner body (short or official
                             name, e.g. "SALGA") that the round admits
title              yes       the project's title (at most 300 characters)
summary            yes       a short summary
problem            yes       the problem addressed
intervention       yes       the proposed intervention
requested          yes       the amount requested in rand: "250000", "250 000,00" or
                             "R 250 000,00"; within the round's cap
start, end         yes       the project's first and last day, 2027-02-01 (or a date cell)
contact name       yes       the applicant's contact person
contact email      yes       their email; someone already in the directory with that email
                             is used, otherwise they are added (consent: they gave it)
contact phone      no        their phone number
budget             no        the budget lines, "Item A: 100000; Item B: 150000"; they must
                             add up to the amount requested
theme              no        one of the round's themes (as the round's form lists them)
=================  ========  ==============================================================

A row with budget lines is imported as a submitted application through the state machine's
`submit`, so it gets its reference USRG-IF-<year>-<round>-<nnn> (in sheet order) and both steps
are audited. A row without budget lines is imported as a draft for the secretariat to complete.

`import_applications(..., dry_run=True)` reads and checks the whole sheet and writes nothing:
its report lists every bad row with its sheet row number and reason. A real run writes nothing
unless every row is good (it raises `ImportRefused`, carrying the same report), so a sheet is
imported whole or not at all, in the caller's one transaction.

This module gathers the public names of the modules that hold the import, so that
`from usrg_desktop.workflows import application_import` keeps working:

- `application_import_sheet`: reading the CSV or XLSX file into rows under known headings
- `application_import_checks`: checking one row against the table above
- `application_import_run`: the report, the dry run and the real import (`import_steps` as
  long work)

New code may import from those modules directly.
"""

from __future__ import annotations

from .application_import_checks import PROJECT_YEARS, TEXT_LIMITS, RowProblem
from .application_import_run import ImportRefused, ImportReport, import_applications, import_steps
from .application_import_sheet import (
    ALIASES,
    MAX_BYTES,
    MAX_ROWS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    read_sheet,
)

__all__ = [
    "ALIASES",
    "ImportRefused",
    "ImportReport",
    "MAX_BYTES",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "PROJECT_YEARS",
    "REQUIRED_COLUMNS",
    "RowProblem",
    "TEXT_LIMITS",
    "import_applications",
    "import_steps",
    "read_sheet",
]
