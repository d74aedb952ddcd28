"""Office Open XML by hand, where python-pptx and python-docx stop: Chinese fonts and schema order.

Both libraries write only the latin face of a run; Chinese text then falls back to whatever the viewer
picks. These helpers name the east-asian face too, in the deck's DrawingML and the 通报's WordprocessingML,
rewrite a part's XML (theme, font table), and put a hand-made property element at its schema position.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docx.oxml.ns import qn  # Clark notation for a: (DrawingML) and w: (WordprocessingML) alike
from lxml import etree

XmlElement = Any  # lxml/oxml elements; the libraries ship no usable types for them


def rewrite_part(part: Any, edit: Callable[[etree._Element], None]) -> None:
    """Parse an XML part that python-pptx/python-docx keep only as bytes, ``edit`` it, store it back."""
    root = etree.fromstring(part.blob)
    edit(root)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- DrawingML (the deck)


def drawing_run_fonts(rpr: XmlElement, typeface: str) -> None:
    """python-pptx writes only <a:latin>; add <a:ea> and <a:cs> so Chinese text uses the same face."""
    latin = rpr.find(qn("a:latin"))
    if latin is None:
        latin = etree.SubElement(rpr, qn("a:latin"))
        # <a:latin> must follow the fill and effect elements and precede ea/cs/sym/hlink*
        for tag in ("a:ea", "a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst"):
            follower = rpr.find(qn(tag))
            if follower is not None:
                follower.addprevious(latin)
                break
    latin.set("typeface", typeface)
    for tag in ("a:ea", "a:cs"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    ea = etree.Element(qn("a:ea"), typeface=typeface, pitchFamily="34", charset="-122")
    cs = etree.Element(qn("a:cs"), typeface=typeface)
    latin.addnext(ea)
    ea.addnext(cs)


def theme_fonts(root: etree._Element, typeface: str, hans_typeface: str) -> None:
    """A theme's major and minor fonts in ``typeface`` (latin and east-asian), and the Hans script alias."""
    for font_set in root.iter(qn("a:majorFont"), qn("a:minorFont")):
        for tag in ("a:latin", "a:ea"):
            node = font_set.find(qn(tag))
            if node is not None:
                node.set("typeface", typeface)
        for script in font_set.findall(qn("a:font")):
            if script.get("script") == "Hans":
                script.set("typeface", hans_typeface)


# ---------------------------------------------------------------- WordprocessingML (the 通报)


def word_run_fonts(rpr: XmlElement, east_asian: str, latin: str) -> None:
    """Name the latin and east-asian faces on an rPr; python-docx itself only writes ascii/hAnsi."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    # “ ” — ✔ ✖ are shared code points; the hint makes Word draw them with the Chinese face
    fonts.set(qn("w:hint"), "eastAsia")


def font_table_entries(root: etree._Element, table: dict[str, tuple[str, str, str]]) -> None:
    """Declare faces in a fontTable part with their alias and GB2312 charset (86), so substitution stays Chinese."""
    for name, (alt, panose, family) in table.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"), ("w:family", family), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)


# Child order of the property elements we add to by hand (ECMA-376 part 1, §17.3.1.26, §17.4.42, §17.4.60):
# Word refuses a file whose children are out of order, even where LibreOffice is lenient.
SCHEMA_ORDER: dict[str, tuple[str, ...]] = {
    "w:pPr": (
        "w:pStyle",
        "w:keepNext",
        "w:keepLines",
        "w:pageBreakBefore",
        "w:framePr",
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    ),
    "w:tcPr": (
        "w:cnfStyle",
        "w:tcW",
        "w:gridSpan",
        "w:hMerge",
        "w:vMerge",
        "w:tcBorders",
        "w:shd",
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
        "w:headers",
        "w:cellIns",
        "w:cellDel",
        "w:cellMerge",
        "w:tcPrChange",
    ),
    "w:tblPr": (
        "w:tblStyle",
        "w:tblpPr",
        "w:tblOverlap",
        "w:bidiVisual",
        "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize",
        "w:tblW",
        "w:jc",
        "w:tblCellSpacing",
        "w:tblInd",
        "w:tblBorders",
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
        "w:tblPrChange",
    ),
}


def place_in_order(parent: XmlElement, child: XmlElement) -> None:
    """Put ``child`` into a pPr/tcPr/tblPr at its schema position, replacing one of the same kind."""
    order = SCHEMA_ORDER[parent.prefix + ":" + etree.QName(parent).localname]
    tag = child.prefix + ":" + etree.QName(child).localname
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    parent.insert_element_before(child, *order[order.index(tag) + 1 :])
