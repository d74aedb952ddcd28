"""How much work a file may cost before it is refused, and why each limit is where it is.

The goal (issue 15): any file up to the upload limit is refused or read in well under 5 s with the process's memory
growing by well under 200 MB (``tests/test_hardening_files.py`` measures it in a subprocess; ``bench/hostile.py``
prints the figures). An .xlsx is a zip of XML: 10 MB of it can unpack to gigabytes and millions of cells, so
every limit is checked *before* the work it bounds, from the zip's directory and while streaming the XML, never
after reading a part whole. Each refusal names its limit in Chinese.

What real files need: a month of every figure is about 80 rows (20 town-wide metrics, 57 per-place ones), a year
about 900; the template has 11 columns; the benchmark upload has 10,000 rows. The limits leave room for 20 years
of every figure in one file.
"""

from __future__ import annotations

MIB = 1024 * 1024

# The file as uploaded: the same as Streamlit's server.maxUploadSize in .streamlit/config.toml (a test keeps
# them equal), checked again here because the command line has no uploader.
MAX_FILE_BYTES = 10 * MIB

# Rows of figures in one file (20 years of every figure); a sheet may have a few more rows with values (titles,
# header, notes below the table).
MAX_ROWS = 20_000
MAX_SHEET_ROWS = MAX_ROWS + 50
# The last column that may hold a value (the template uses 11, long-form tables 7); "XFD" is 16,384.
MAX_COLUMNS = 64
# Values read in the whole file (CSV or xlsx): 20,000 full template rows are 220,000.
MAX_CELLS = 250_000
# Characters in one cell: Excel's own limit for a cell.
MAX_CELL_CHARS = 32_767
MAX_SHEETS = 32

# The zip: entries in its directory (an xlsx has 10-30; read from the end record before the directory is parsed),
# the uncompressed size of each part we read and of all of them together, and the compression ratio of a large
# part. Real sheets compress 5-30x (openpyxl's 10,000-row file: 12x); a zip bomb, 1,000x. The sizes are the ones
# the zip declares; reading stops there (zipfile never returns more than a part's declared size).
MAX_MEMBERS = 1_000
MAX_MEMBER_BYTES = 32 * MIB
MAX_TOTAL_BYTES = 64 * MIB
MAX_RATIO = 100
RATIO_FLOOR = 1 * MIB  # small parts (styles, a short sheet) may compress better without costing anything

# XML elements across all parts read (250,000 cells are 500,000-1,000,000: a value, or an inline string's three),
# and inside one <row> (or any record of a part, kept in memory until it ends; a row of 64 cells is under 200).
# Streaming costs about 1.5 µs an element: the budget is about 2 s.
MAX_XML_ELEMENTS = 1_500_000
MAX_ROW_ELEMENTS = 5_000
# Shared strings (the text table of an xlsx, loaded before the sheets that point into it).
MAX_SHARED_STRINGS = MAX_CELLS
MAX_SHARED_CHARS = 16_000_000
# Bytes at the start of an XML part searched for a DTD (never in an xlsx; refused: entity tricks live there).
XML_HEAD = 64 * 1024
