"""Draft items read from the text of a 政府工作报告: what a town commits to, for an admin to review and accept.

No streamlit, no network, no model: rules over the report's own wording, each in one module.

- ``records``: the typed records (``DraftItem``, ``Sentence``, ``Clause``, ``Quantity``) and their Chinese names
- ``text``: decoding .txt/.docx, headings, sentences, clauses; which sentences review a past year
- ``numbers``: Arabic and Chinese numerals with units, and the numbers that are names (135号, 105国道, S268)
- ``quantities``: commitments with a number (value, unit, comparator, 力争/确保/约)
- ``works``: named works with a milestone verb (projects)
- ``tasks``: checkable commitments without a number
- ``keywords``: the suggested area and department, from ``data/extract_keywords.csv``
- ``names``: the Chinese names of areas and departments, both ways
- ``draft``: the whole report to a list of ``DraftItem``
- ``match``: codes of the indicators and projects an item restates, fresh codes for the rest
- ``workbook``: the draft as an Excel file for review, and back
- ``folder``: accepted new items as a folder in the formats of ``data/`` (and as a zip)
- ``accept``: indicator targets through the targets upload path (``tracker.ingest``)
- ``evaluate``: recall and precision against the report page and today's ``data/``
"""

from tracker.extract.draft import extract
from tracker.extract.records import DraftItem
from tracker.extract.text import ReportError, detect_year, read_report

__all__ = ["DraftItem", "ReportError", "detect_year", "extract", "read_report"]
