"""Monthly figures in: read a file, check every cell, preview old → new, commit all-or-nothing, revert; targets
uploads; and what has been reported.

Modules, in the order a file travels through them:

- ``limits``: how much a file may cost (size, zip entries and ratio, rows, columns, cells, XML elements, shared
  strings, characters in a cell), and why each limit is where it is.
- ``cells``: bytes → tables of cells (CSV in UTF-8, UTF-8 with BOM or GBK), ``decode_text`` (the one bytes → text
  decoder), a cell as a number or an integer; a cell that cannot be read is a problem of its table, with its address.
- ``xlsx``: an ``.xlsx`` streamed into tables of cells within the limits, checked from the zip's directory before
  anything is unpacked (formulas without a saved result marked).
- ``headers``: the header row and which column holds which field (Chinese or English names); a field of a row.
- ``figures``: ``parse``: the figure rows and 情况说明 rows of a file (no database).
- ``checks``: ``validate``: every check that needs the database, and the old → new comparison; ``place_kinds``.
- ``batch``: ``prepare`` (preview), ``commit``, ``add_explanation``, ``revert``; ``BatchKind``.
- ``targets``: target uploads: ``parse_targets``, ``check_targets``, ``commit_targets``, ``targets_for_year``;
  the year being planned (``planning_year``).
- ``reporting``: the read model: 填报率 (``reporting_status``), ``missing_explanations``, ``current_figures``,
  ``batches``, ``metrics_list``; the month now due (``month_due``, ``period_due``).
- ``model``: the records the others share (``Issue``, ``Parsed``, ``Report``...) and the two errors.

Rules, decided here and shown to users in Chinese:

- A file is refused, in Chinese naming the limit, before it costs more than ``limits`` allows (a zip bomb, 16,384
  columns, a flood of cells or strings): any file up to the upload limit is read or refused in seconds.
- A file is the app's template or any long-form table (columns 指标编码/metric, 年/year, 月/month, 数值/value,
  optional 地点/place, 备注/note, 情况说明/explanation) as ``.xlsx`` or ``.csv`` (UTF-8, UTF-8 with BOM, GBK).
  An ``.xlsx`` sheet named 情况说明 holds notes per indicator (指标编码, 年, 月, 情况说明).
- Every problem is reported with sheet, row and column; any error refuses the whole file and nothing is written.
  A value far from last month's (factor ``[upload] jump_warning_factor``) is only a warning.
- Running totals that cannot fall: the per-place completion percentages (截污、农污、黑点) and the number of units
  that have built pre-treatment (``NON_DECREASING``). Other stocks may fall and are not checked: market
  entities close, firms drop below 1 亿, worse-than-V rivers should fall, patrol counts are per month.
- A commit is one transaction and one new batch. A file that changes nothing writes nothing; a file that changes
  something writes the rows that change a value or a note, never the rows equal to the current ones (the template
  comes prefilled with them: uploading it again records only what staff changed). The same file (same sha256) as
  a committed batch is a duplicate: nothing is written the second time, even when a later batch changed those
  values (revert that batch instead).
- Nothing is deleted: a correction is a new batch whose rows win; a revert flips the batch's status. Only batches
  whose rows are versioned can be reverted (``REVERTIBLE``): figures, targets, 情况说明.
- Running totals are checked against the month before and the month after (the file's rows and the current ones).
- A metric for villages (place kind ``village``) is reported for villages and communities alike (村（社区）).
- Missing 情况说明 never block figures: the preview lists the indicators at 滞后/预警 still without one.
- A month the 督查室 locked (or past its deadline, ``tracker.locks``) refuses every row for it, for admins too, in the
  preview and at the commit; the revert of a batch holding rows of a locked month is refused.
"""

from tracker.ingest.batch import BATCH_KIND_NAMES, REVERTIBLE, BatchKind, CommitResult, add_explanation, commit, prepare, revert
from tracker.ingest.cells import decode_text
from tracker.ingest.checks import NON_DECREASING, place_kinds, validate
from tracker.ingest.figures import parse
from tracker.ingest.headers import MAX_TEXT
from tracker.ingest.model import (
    UNEXPECTED_PARSE_ERROR,
    Explanation,
    IngestError,
    Issue,
    MissingExplanation,
    Parsed,
    Report,
    ValidationFailed,
)
from tracker.ingest.reporting import (
    DUE_DAY,
    NOTE_STATUSES,
    CurrentFigure,
    MetricInfo,
    UnreportedItem,
    batches,
    current_figures,
    due_date,
    metrics_list,
    missing_explanations,
    month_due,
    period_due,
    reporting_status,
)
from tracker.ingest.targets import (
    TargetRow,
    check_targets,
    commit_targets,
    default_comparator,
    parse_targets,
    planning_year,
    targets_for_year,
)

__all__ = [
    "UnreportedItem",
    "BATCH_KIND_NAMES",
    "DUE_DAY",
    "MAX_TEXT",
    "NON_DECREASING",
    "NOTE_STATUSES",
    "REVERTIBLE",
    "UNEXPECTED_PARSE_ERROR",
    "BatchKind",
    "CommitResult",
    "CurrentFigure",
    "Explanation",
    "IngestError",
    "Issue",
    "MetricInfo",
    "MissingExplanation",
    "Parsed",
    "Report",
    "TargetRow",
    "ValidationFailed",
    "add_explanation",
    "batches",
    "check_targets",
    "commit",
    "commit_targets",
    "current_figures",
    "decode_text",
    "default_comparator",
    "due_date",
    "metrics_list",
    "missing_explanations",
    "month_due",
    "parse",
    "parse_targets",
    "period_due",
    "planning_year",
    "place_kinds",
    "prepare",
    "reporting_status",
    "revert",
    "targets_for_year",
    "validate",
]
