from pathlib import Path

import lxml.html

from cleaners.tables import unwrap_layout_tables
from tests.conftest import RUN, html_page

PAGE = Path(__file__).parent / "fixtures" / "html" / "layout_table.html"


def test_a_page_laid_out_in_a_table_gives_its_text_as_paragraphs_and_keeps_its_data_table(cleaner):
    kind, rec = cleaner.record(html_page(PAGE.read_text(encoding="utf-8")), RUN)
    assert kind == "article"
    lines = rec["text"].split("\n")
    assert any(line.startswith("From the first of June") for line in lines)
    # loose text between the blocks of a cell is a paragraph of its own, not lost
    assert any(line.startswith("Each plot holder has two evenings") for line in lines)
    assert "| 21-40 | Tuesday, Friday |" in lines  # the rota is still a table
    assert "Waiting list" not in rec["text"]


def test_only_layout_tables_are_unwrapped():
    tree = lxml.html.document_fromstring(PAGE.read_text(encoding="utf-8"))
    assert unwrap_layout_tables(tree) == 1
    assert [len(t.findall(".//tr")) for t in tree.iter("table")] == [4, 4]  # the menu and the rota


def test_a_data_table_alone_is_left_as_it_is():
    html = "<html><body><table><tr><th>Year</th><th>Rainfall</th></tr><tr><td>2021</td><td>812 mm</td></tr></table></body></html>"
    tree = lxml.html.document_fromstring(html)
    assert unwrap_layout_tables(tree) == 0
    assert tree.find(".//td") is not None


def test_a_calendar_widget_is_removed_and_audited():
    from cleaners.tables import strip_calendar_tables

    weeks = "".join("<tr>" + "".join(f"<td>{d}</td>" if d <= 30 else "<td></td>" for d in range(w * 7 + 1, w * 7 + 8)) + "</tr>"
                    for w in range(5))
    html = (f"<html><body><p>The post.</p><table id='wp-calendar'><caption>June 2023</caption>{weeks}</table>"
            "<table><tr><td>12</td><td>Apples</td></tr><tr><td>30</td><td>Pears</td></tr></table></body></html>")
    tree = lxml.html.document_fromstring(html)
    removals = strip_calendar_tables(tree)
    assert [r.reason for r in removals] == ["chrome:calendar"]
    assert tree.find(".//table[@id='wp-calendar']") is None and "Apples" in tree.text_content()
