"""bench/steps.py, the map of where a page's time goes: it must keep timing every step and every
part of the HTML step as the pipeline changes (a renamed part would silently drop out)."""
import cleaners.html
from bench.steps import HTML_PARTS, run
from cleaners.decode import decode_bytes
from cleaners.document import Page
from tests.conftest import REPO, SEEDS_RAW


def test_every_step_and_html_part_is_timed_and_the_parts_are_put_back():
    html = (REPO / "tests" / "fixtures").rglob("*.html")
    text = [Page(source=p.name, sha256="", format="text", content=p.read_text(encoding="utf-8"), content_type="text")
            for p in sorted(SEEDS_RAW.glob("*.txt"))[:3]]
    pages = text + [Page(source=p.name, sha256="", format="html", content=decode_bytes(p.read_bytes(), html=True),
                                  content_type="html") for p in sorted(html)[:3]]
    originals = {name: getattr(cleaners.html, name) for name in HTML_PARTS}
    seconds, total, profiler = run(pages, "  html: bare_extraction")
    steps = {k for k in seconds if k.startswith("step ")}
    assert {"step html", "step language", "step spam", "step comments"} <= steps
    assert {k for k in seconds if k.startswith("  html: ")} == {"  html: " + name for name in HTML_PARTS}
    assert 0 < sum(seconds[k] for k in steps) <= total * 1.01
    assert profiler.getstats()  # the part asked for was profiled
    assert {name: getattr(cleaners.html, name) for name in HTML_PARTS} == originals
