"""Sections found by a profile: the platform thread containers (PROFILES), and the generic
containers (GENERIC) whose items are the repeated blocks with an author element."""
from __future__ import annotations

from collections.abc import Iterable

from .chrome import _is_body_line
from .guards import _outermost, _overlaps, _Page, _safe, _without_article
from .headers import _authorish
from .markup import _item_chrome
from .profiles import _AUTHOR_LIKE_XP, _DATE_LIKE_XP, Profile
from .render import render_lines
from .section import _read_items, _Section


def _generic_items(container) -> list:
    """Blocks of a comments container that each hold one short author element and some text."""
    authors = _outermost([a for a in _AUTHOR_LIKE_XP(container) if _authorish(a)])
    marked = {el for a in authors for el in (a, *a.iterancestors())}
    dates = set(_DATE_LIKE_XP(container))
    chrome = set(_item_chrome(container)) - set(authors)
    items = []
    for author in authors:
        own = {author, *author.iterancestors()}
        foreign = marked - own
        for ancestor in author.iterancestors():
            if ancestor is container:
                break
            skip = lambda e, a=author: e is a or e in foreign or e in dates or e in chrome  # noqa: E731
            if any(_is_body_line(line) for line in render_lines(ancestor, skip)):
                items.append(ancestor)
                break
    unique = list(dict.fromkeys(items))
    return unique if len(unique) >= 2 else []


def _find_items(profile: Profile, container) -> list:
    if profile.items is None:
        return _generic_items(container)
    items = list(profile.items(container))
    if not items and profile.fallback_items is not None:
        return list(profile.fallback_items(container))
    return items


def _read_section(profile: Profile, container, page: _Page) -> _Section | None:
    if profile.strict and not _safe(container, page, strict=True):
        return None  # checked first: reading generic items is the costly part
    items = _find_items(profile, container)
    if not items or not _safe(container, page, profile.strict):
        return None
    items = _without_article(items, container)
    return _read_items(profile, container, items, page) if items else None


def _profile_sections(profiles: Iterable[Profile], tree, page: _Page, sections: list[_Section]) -> None:
    for profile in profiles:
        for container in profile.containers(tree, page.names):
            if _overlaps(container, [s.element for s in sections]):
                continue
            section = _read_section(profile, container, page)
            if section is not None:
                sections.append(section)
