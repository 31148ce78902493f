import lxml.html

from cleaners.dom import drop_taxonomy_classes


def _classes_after_drop(*classes: str) -> list[str | None]:
    divs = "".join(f"<div class='{c}'>x</div>" for c in classes)
    tree = lxml.html.document_fromstring(f"<html><body>{divs}</body></html>")
    drop_taxonomy_classes(tree)
    return [d.get("class") for d in tree.iter("div")]


def test_taxonomy_names_go_wherever_they_stand_in_the_attribute():
    # the page's class attributes are searched joined first: a name counts only at its own start,
    # after any space str.split() splits on (a no-break space too), in any case
    assert _classes_after_drop("post TAG-rhubarb", "entry\u00a0category-news", "Cat_x hentry") == \
        ["post", "entry", "hentry"]


def test_names_that_only_contain_a_taxonomy_word_stay():
    kept = ["hashtag-list  tagline", "post-tag_x", "scatter-plot\tx", "s-tags"]  # untouched, spaces and all
    assert _classes_after_drop(*kept) == kept
