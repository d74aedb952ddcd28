"""Every font name the outputs use, in one place: the PPTX deck, the Word 通报, and the screen (Plotly, pydeck).

Office files name one face per run; each face here says which machine has it and what stands in where
it is missing. LibreOffice maps all of them to Noto Sans/Serif CJK SC through fontconfig.
"""

from __future__ import annotations

# ---------------------------------------------------------------- the PPTX deck

# Microsoft YaHei is on every Chinese Windows and in WPS; the theme names the Chinese alias as well.
DECK_FONT = "Microsoft YaHei"
DECK_FONT_ZH = "微软雅黑"

# ---------------------------------------------------------------- the Word 通报 (GB/T 9704 conventions)

LATIN = "Times New Roman"  # digits and latin text
BODY_FONT = "仿宋_GB2312"  # 三号仿宋 body
HEADING_FONT = "黑体"  # first-level headings
SUBHEADING_FONT = "楷体_GB2312"  # second-level headings
TITLE_FONT = "方正小标宋简体"  # the document title
FALLBACK_FONT = "Microsoft YaHei"

# Word names one east-asian face per run; the font table gives each its alias and GB2312 charset, so Word
# substitutes the nearest Chinese face where the _GB2312 variant is not installed.
BULLETIN_FONT_TABLE = {  # name: (alternate name, panose, family)
    BODY_FONT: ("仿宋", "02010609030101010101", "modern"),
    HEADING_FONT: ("SimHei", "02010609060101010101", "modern"),
    SUBHEADING_FONT: ("楷体", "02010609030101010101", "modern"),
    TITLE_FONT: ("黑体", "02000000000000000000", "script"),
    FALLBACK_FONT: ("微软雅黑", "020B0503020204020204", "swiss"),
}

# ---------------------------------------------------------------- the screen

# Plotly charts, on the pages and in 会议模式 alike: the browser takes the first face it has.
CHART_FONTS = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
# Map labels and tooltips (deck.gl draws its labels from the first face in this list).
MAP_FONTS = "Noto Sans CJK SC, Microsoft YaHei, sans-serif"
