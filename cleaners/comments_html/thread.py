"""The thread being read: its items, which nodes belong to which item, what reading has used up,
and which item a reply answers."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from ..document import Removal
from .markup import _HIDDEN, _SAYS, _item_chrome
from .profiles import Profile


@dataclass
class _Thread:
    """The items of one thread container being read, and what reading them has used up."""

    profile: Profile
    container: object
    items: list
    item_set: set = field(default_factory=set)
    consumed: set = field(default_factory=set)
    hidden: set = field(default_factory=set)
    chrome: set = field(default_factory=set)
    removals: list[Removal] = field(default_factory=list)
    _texts: set | None = None
    _inside: set = field(default_factory=set)  # the items inside the container
    _in_container: dict = field(default_factory=dict)  # path: what it finds from the container
    _one_step: dict = field(default_factory=dict)  # path: {item: what it finds from the item}

    def __post_init__(self) -> None:
        self.item_set = set(self.items)
        self.hidden = set(_HIDDEN(self.container))
        self.chrome = set(_item_chrome(self.container))
        self.consumed |= set(_SAYS(self.container))
        self._inside = {item for item in self.items
                        if item is self.container or any(a is self.container for a in item.iterancestors())}

    def found(self, path: etree.XPath, item) -> list:
        """path(item). Most of a profile's paths find nothing in most threads: a path that reads
        only below where it starts is asked of the container once (the tree does not change while
        a thread is read), and of no item inside it when it finds nothing there (0.3 ms a page).
        A one-step path (.//x[...]) is not asked of the items at all: see _by_item."""
        if item in self._inside and _reads_below(path):
            if not self.in_container(path):
                return []
            if _one_step_below(path):
                return self._by_item(path).get(item, [])
        return path(item)

    def _by_item(self, path: etree.XPath) -> dict:
        """path(item) for each item inside the container, from path(container): a one-step path
        finds from an item the nodes it finds from the container that lie inside that item (its
        predicates test each node alone), in the same document order. One evaluation a thread
        instead of one an item: the time in found() over 300 corpus pages went 0.68 -> 0.49 ms a page."""
        by_item = self._one_step.get(path)
        if by_item is None:
            by_item = self._one_step[path] = {}
            for node in self.in_container(path):
                for ancestor in node.iterancestors():
                    if ancestor in self._inside:
                        by_item.setdefault(ancestor, []).append(node)
                    if ancestor is self.container:
                        break
        return by_item

    def in_container(self, path: etree.XPath) -> list:
        """path(container), asked once."""
        if path not in self._in_container:
            self._in_container[path] = path(self.container)
        return self._in_container[path]

    def owned(self, node, item) -> bool:
        """True when `node` belongs to `item` itself, not to a reply nested in it."""
        cur = node
        while cur is not None:
            if cur is item:
                return True
            if cur in self.item_set:
                return False
            cur = cur.getparent()
        return True  # a sibling of the item (Blogger classic dt/dd)

    def first_owned(self, paths: tuple[etree.XPath, ...], item, accept: Callable = lambda n: True):
        for path in paths:
            for node in self.found(path, item):
                if self.owned(node, item) and node not in self.consumed and accept(node):
                    return node
        return None

    def all_owned(self, paths: tuple[etree.XPath, ...], item) -> list:
        return [n for path in paths for n in self.found(path, item) if self.owned(n, item) and n not in self.consumed]

    def text_nodes(self) -> set:
        """The elements the profile's text paths (but ".") find anywhere in the thread."""
        if self._texts is None:
            self._texts = {n for path in self.profile.text[:-1] for n in self.in_container(path)}
        return self._texts

    def skip(self, item) -> Callable:
        return lambda el: (el in self.consumed or el in self.hidden or el in self.chrome
                           or (el in self.item_set and el is not item))


_LITERALS = re.compile(r"'[^']*'|\"[^\"]*\"")
_BELOW = re.compile(r"\.//[\w*-]+(?:/{1,2}[\w*-]+)*")  # descendant and child steps, no other axis
_ONE_STEP = re.compile(r"\.//[\w*-]+")


@lru_cache(maxsize=256)  # the paths are the profiles' constants
def _reads_below(path: etree.XPath) -> bool:
    """`path` finds only descendants of the node it starts from, whatever its predicates test."""
    return _BELOW.fullmatch(_steps(path)) is not None


@lru_cache(maxsize=256)
def _one_step_below(path: etree.XPath) -> bool:
    """`path` is one descendant step, whatever its predicates test: .//li[...], .//*[...]."""
    return _ONE_STEP.fullmatch(_steps(path)) is not None


def _steps(path: etree.XPath) -> str:
    """`path` without its predicates (and the literals in them)."""
    steps, depth = [], 0
    for ch in _LITERALS.sub("", path.path):
        depth += ch == "["
        if not depth:
            steps.append(ch)
        depth -= ch == "]"
    return "".join(steps)


def _previous_item(el, item_set: set):
    for sibling in el.itersiblings(preceding=True):
        if sibling in item_set:
            return sibling
    return None


def _parent_item(item, item_set: set, container):
    """The item this one answers: an enclosing item (WordPress, Blogger, Disqus), or the item just
    before the reply wrapper it sits in (Drupal's div.indented)."""
    for ancestor in item.iterancestors():
        if ancestor in item_set:
            return ancestor
        if ancestor is container:
            return None
        before = _previous_item(ancestor, item_set)
        if before is not None:
            return before
    return None
