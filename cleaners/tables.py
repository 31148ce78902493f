"""Layout tables: old pages (and many hacked, abandoned ones) lay the whole page out in a table.

Handed to an extractor as a table, the navigation column, the article and the footer come out as
one grid of rows. A table used for layout -- a cell holding paragraphs, blocks or another table,
or a cell with a long run of text -- becomes plain blocks, so that the extractor judges each part
on its own. Data tables (short cells) stay tables.
"""
from __future__ import annotations

from lxml import etree

from .blocks import VISIBLE_BLOCK_TAGS
from .document import Removal
from .dom import remove_keeping_tail, text_length
from .normalize import collapse_spaces

_TABLES = etree.XPath("//table")
_ANY_BLOCK = " | ".join(f".//{tag}" for tag in VISIBLE_BLOCK_TAGS)
_BLOCKS = etree.XPath(f"count({_ANY_BLOCK} | .//br)")
_BLOCK_CHILD = etree.XPath(f"boolean({_ANY_BLOCK})")
_TABLE_PARTS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th"}
LONG_CELL_CHARS = 200  # a data table's cell is a value or a phrase, not a paragraph
MIN_BLOCKS = 4  # paragraphs, blocks, line breaks: a cell laid out as a column of the page
MIN_CALENDAR_DAYS = 20


def strip_calendar_tables(tree: etree._Element) -> list[Removal]:
    """Blog calendar widgets: a month of day numbers, as a table."""
    removals = []
    for table in _TABLES(tree):
        if table.getparent() is None or table.find(".//table") is not None:
            continue
        cells = [collapse_spaces(c.text_content()) for c in table.iter("td", "th")]
        days = [c for c in cells if c.isdigit() and 1 <= int(c) <= 31]
        if len(days) >= MIN_CALENDAR_DAYS and len(days) >= 0.6 * len([c for c in cells if c]):
            removals.append(Removal.of("boilerplate", "chrome:calendar", collapse_spaces(table.text_content())))
            remove_keeping_tail(table)
    return removals


def _is_layout(table: etree._Element) -> bool:
    for cell in table.iter("td", "th"):
        # the length first: one walk of the cell, where counting blocks walks it once a block tag
        if text_length(cell) > LONG_CELL_CHARS or _BLOCKS(cell) >= MIN_BLOCKS:
            return True
    return False


def unwrap_layout_tables(tree: etree._Element) -> int:
    """Turn layout tables into blocks; the number of tables unwrapped."""
    layout = [t for t in _TABLES(tree) if _is_layout(t)]
    # decided before any renaming: the nesting is read from the table tags
    parts = [e for table in layout for e in table.iter(*_TABLE_PARTS) if not _inside_data_table(e, table, layout)]
    parts = list(dict.fromkeys(parts))  # a nested layout table is met twice
    for element in parts:
        # a cell of running text (inline markup, line breaks) is a paragraph; anything else a block
        cell = element.tag in ("td", "th")
        element.tag = "p" if cell and not _BLOCK_CHILD(element) else "div"
        for attribute in ("colspan", "rowspan", "cellpadding", "cellspacing", "border", "width", "valign", "align"):
            element.attrib.pop(attribute, None)
    return len(layout)


def _inside_data_table(element, table, layout: list) -> bool:
    """A data table nested in a layout table keeps its rows and cells."""
    if element.tag == "table" and element is not table:
        return element not in layout
    for ancestor in element.iterancestors("table"):
        if ancestor is table:
            return False
        if ancestor not in layout:
            return True
    return False
