"""The step: one page's passes (hidden blocks, visible link farms, spam anchors, spam lines and
sentences) with their thresholds, and strip_injected_spam, which runs them."""
from __future__ import annotations

import re
from itertools import islice

from lxml import etree

from ..document import Removal
from ..dom import attribute_owners, remove_keeping_tail
from ..settings import SpamSettings
from ..spam import load_lexicon, page_topics, spam_category
from .css import _KIND_PROPS, StyleSheets, hiding_kind
from .languages import _STOPWORDS, _WORD, _detect
from .lexicon import _best_hits, _strong_hits, may_match, strong_category
from .tree import (
    BLOCK_TAGS, FARM_TAGS, INLINE_TAGS, SKIP_TAGS, _HAS_BLOCK, _LINKS, _SENTENCE_PIECE, _STYLED, _body, _containers, _exempt,
    VisibleTexts, _meaningful, _mostly_clean_prose, _set_text, _text_slots,
)
from .urls import _own_sites, _site, _split_href, _url_words, href_category, hrefs_may_name_spam

STEP = "spam"

MAX_SHARE = 0.4  # never remove a node holding more of the page's text (unless hidden and link-heavy)
FARM_MIN_LINKS = 3
FARM_LINK_SHARE = 0.6
HEAVY_LINK_SHARE = 0.5
HIDDEN_PROSE_CHARS = 1000  # honest hidden text this long with few links is content behind a tab: kept
OUTLIER_WORDS = (4, 20)  # a language outlier is a short line...
OUTLIER_PROB = 0.7  # ...detected with some confidence (without a strong phrase, its function words must agree)...
OUTLIER_COVERAGE = 0.1  # ...with lexicon words covering this share of its letters
SENTENCE_STRONG_HITS = 3  # a same-language sentence inside prose needs this many strong phrases
KEYWORD_LINK_COVERAGE = 0.5  # a keyword anchor to a spam word in another site's path
KEYWORD_LINK_CATEGORIES = ("gambling", "pharma", "adult")
# Hiding kinds whose honest blocks are removed too; opacity:0 is mostly a fade-in start state.
_DROP_HONEST = frozenset({"display", "visibility", "font", "offscreen", "size", "clip", "attr"})
# The attributes, not the elements that have them: libxml2 tests a predicate such as
# [@style or @hidden] on every element far more slowly (0.3 ms a page against 0.17)
_MAY_HIDE = etree.XPath("descendant::*/@style | descendant::*/@hidden")
_MAY_HIDE_BY_RULES = etree.XPath(
    "descendant::*/@style | descendant::*/@hidden | descendant::*/@class | descendant::*/@id")
_ENCYCLOPEDIA = re.compile(r"(?:^|\.)(?:wikipedia|wiktionary|wikimedia|wikidata)\.org$|(?:^|\.)britannica\.com$")


class _Stripper:
    """One page: the passes share the settings, the page's text size and its language."""

    def __init__(self, root, body, settings: SpamSettings):
        self.body, self.settings = body, settings
        self.css = StyleSheets(root)
        self.text = VisibleTexts(body)
        self.page_chars = len(self.text(body))
        self.removed: list[Removal] = []
        self.spam_chars = 0
        self._anchor_cache: dict = {}
        self._anchor_texts: dict = {}
        self._root = root
        self._own_sites: frozenset[str] | None = None  # read when a keyword link is judged (most pages: never)
        self._language: tuple[str | None] | None = None
        self.topics: frozenset[str] = frozenset()  # the page's own subjects (spam.page_topics), set by strip_lines

    # -- bookkeeping

    def _record(self, reason: str, text: str, spam: bool) -> None:
        self.removed.append(Removal.of(STEP, reason, text))
        if spam:
            self.spam_chars += len(text)

    def _remove(self, el) -> None:
        self.own_sites()  # read from the tree as it came, before the first removal
        parent = el.getparent()
        self.text.removing(el)
        remove_keeping_tail(el)
        if parent is not None:
            self.text.changed(parent)

    def _set_text(self, node, attr: str, text: str) -> None:
        _set_text(node, attr, text)
        self.text.changed(node)  # a tail is its parent's text: the ancestors are read again too

    def _too_big(self, text: str) -> bool:
        return len(text) > MAX_SHARE * self.page_chars

    def _attached(self, el) -> bool:
        return any(anc is self.body for anc in el.iterancestors()) or el is self.body

    # -- judgments

    def own_sites(self) -> frozenset[str]:
        """The page's own site (urls._own_sites), read once: 0.3 ms a page, needed by few."""
        if self._own_sites is None:
            self._own_sites = _own_sites(self._root, self.body)
        return self._own_sites

    def page_language(self) -> str | None:
        if self._language is None:
            sample = " ".join(t for p in self.body.iter("p") if len((t := self.text(p)).split()) >= 8)[:5000]
            if len(sample) < 200:
                sample = self.text(self.body)[:5000]
            lang, prob = _detect(sample) if len(sample) >= 40 else (None, 0.0)
            self._language = (lang if prob >= 0.8 else None,)
        return self._language[0]

    def outlier(self, text: str) -> str | None:
        """A short line in another language than the page's, with spam words in it: the words' category."""
        words = len(text.split())
        if not OUTLIER_WORDS[0] <= words <= OUTLIER_WORDS[1]:
            return None
        if not load_lexicon().may_name_spam(text):
            return None  # no phrase for _best_hits to find: its eight scans cost ten times this one
        category, coverage = _best_hits(text)
        if category is None or coverage < OUTLIER_COVERAGE or self.page_language() is None:
            return None
        lang, prob = _detect(text)
        page = self.page_language()
        if not lang or lang == page or prob < 0.5:
            return None
        if strong_category(text) == category:
            return category  # a strong phrase in another language: the language needs no second witness
        if prob < OUTLIER_PROB or lang not in _STOPWORDS:
            return None
        words = [w.casefold() for w in _WORD.findall(text)]
        theirs = _STOPWORDS[lang] - _STOPWORDS.get(page, frozenset())
        ours = _STOPWORDS.get(page, frozenset()) - _STOPWORDS[lang]
        foreign = sum(w in theirs for w in words)
        return category if foreign and foreign > sum(w in ours for w in words) else None

    def line_category(self, text: str) -> tuple[str | None, str]:
        """(category, reason suffix) of a whole line of text."""
        if not may_match(text):
            return None, ""
        category = spam_category(text, self.settings, self.topics)
        if category:
            return category, "line"
        category = self.outlier(text)
        return (category, "outlier") if category else (None, "")

    def anchor_category(self, a) -> str | None:
        if a not in self._anchor_cache:
            text = " ".join(filter(None, [self._anchor_text(a), a.get("title")]))
            hit = text and may_match(text)
            category = spam_category(text, self.settings) if hit else None
            category = category or href_category(a.get("href"))
            self._anchor_cache[a] = category or (self._keyword_link(text, a.get("href")) if hit else None)
        return self._anchor_cache[a]

    def _keyword_link(self, text: str, href: str | None) -> str | None:
        """A spam word in the anchor text and the same category's word in another site's address
        ('apuestas deportivas' -> apuestas.example): in the host, or in the path of a keyword-only anchor
        with a strong phrase."""
        split = _split_href(href)
        if split is None or not split[0] or _site(split[0]) in self.own_sites():
            return None
        category, coverage = _best_hits(text)
        if category not in KEYWORD_LINK_CATEGORIES:
            return None  # counterfeit words (outlet, rolex) name honest shops too
        lex = load_lexicon()
        host, path = _url_words(split[0]), _url_words(split[1])
        in_host = lex.weak_search[category].search(host) or lex.strong_search[category].search(host)
        in_path = lex.weak_search[category].search(path) or lex.strong_search[category].search(path)
        in_path = in_path and coverage >= KEYWORD_LINK_COVERAGE
        # an encyclopedia's article on the word ("poker" -> en.wikipedia.org/wiki/Poker) is how honest
        # prose links; only a strong phrase of the anchor's own makes such a link spam
        if in_path and _ENCYCLOPEDIA.search(split[0]) and not lex.strong_search[category].search(text):
            in_path = False
        return category if in_host or in_path else None

    def _anchor_text(self, a) -> str:
        if a not in self._anchor_texts:
            self._anchor_texts[a] = self.text(a)
        return self._anchor_texts[a]

    def _link_share(self, text: str, links) -> float:
        return sum(len(self._anchor_text(a)) for a in links) / max(1, len(text))

    def may_hold_spam(self) -> bool:
        """False when the passes after the hidden one cannot find anything: every decision they
        make needs a lexicon phrase in some element's text (a part of the body's text, words
        intact) or an anchor's title, or a spam word in a link target. Most pages have none."""
        anchors = list(self.body.iter("a"))  # one walk for both
        titles = [title for a in anchors if (title := a.get("title"))]
        if load_lexicon().may_name_spam(" ".join([self.text(self.body), *titles])):
            return True
        return hrefs_may_name_spam(a.get("href") for a in anchors)

    # -- pass 1: hidden blocks

    def hidden_kind(self, el) -> str | None:
        if el.get("hidden") is not None:
            return "attr"
        kind = hiding_kind(self.css.declarations(el))
        if kind == "font" and _HAS_BLOCK(el):
            return None  # font-size:0 on a container is the inline-block whitespace trick
        if kind in ("font", "visibility") and self._shown_inside(el, kind):
            return None
        return kind

    def _shown_inside(self, el, kind: str) -> bool:
        """A descendant that sets the font size or visibility back is visible."""
        for child in _STYLED(el):
            decls = self.css.declarations(child)
            if any(p in decls for p in _KIND_PROPS[kind]) and hiding_kind(decls) != kind:
                return True
        return False

    def strip_hidden(self) -> None:
        """Hidden elements of the body, outer before inner (document order). The inside of one
        that is removed or passed over is not looked at, nor anything under a skipped tag."""
        # only an element with a style or a hidden attribute, or a class or id the sheets hide, can
        # be hidden: the others (most of a page) are not looked at
        find = _MAY_HIDE_BY_RULES if self.css.by_token else _MAY_HIDE
        closed: set = set()  # removed, or passed over with their inside
        for el in attribute_owners(find(self.body)):
            if el.tag in SKIP_TAGS:
                continue
            kind = self.hidden_kind(el)  # first: it only reads, and most are not hidden
            if kind is not None and not self._inside(el, closed) and self._hidden(el, kind) != "descend":
                closed.add(el)

    def _inside(self, el, closed: set) -> bool:
        """Whether `el` is under a closed element or a skipped tag (a removed element's inside
        is cut off from the body: its ancestors end at that element)."""
        for anc in el.iterancestors():
            if anc is self.body:
                return False
            if anc in closed or anc.tag in SKIP_TAGS:
                return True
        return True  # not in the body (never the case for what find() returns before any removal)

    def _hidden(self, el, kind: str) -> str:
        """Remove the hidden element if it should go; 'descend' when it stays and its inside is to be checked."""
        text = self.text(el)
        if not text or _exempt(el):
            return "skip"
        links = _LINKS(el)
        heavy = len(links) >= 2 and self._link_share(text, links) >= HEAVY_LINK_SHARE
        category = self._hidden_spam(text, links)
        if self._too_big(text) and not heavy:
            return "descend"
        if category:
            self._record("spam:hidden_links" if heavy else "spam:hidden_block", text, spam=True)
        elif kind in _DROP_HONEST and not self._hidden_prose(text, links):
            self._record("hidden:block", text, spam=False)
        else:
            return "descend"
        self._remove(el)
        return "removed"

    def _hidden_prose(self, text: str, links) -> bool:
        """A long run of prose behind a tab or a "read more" button: left to the extractor."""
        return len(text) >= HIDDEN_PROSE_CHARS and self._link_share(text, links) < 0.2

    def _hidden_spam(self, text: str, links) -> str | None:
        for a in links:
            if self.anchor_category(a):
                return self.anchor_category(a)
        return strong_category(text) or self.line_category(text)[0]

    # -- pass 2: visible link farms

    def strip_link_farms(self) -> None:
        for el in reversed(list(self.body.iter(*FARM_TAGS))):  # children before their parents
            links = _LINKS(el)
            if len(links) < FARM_MIN_LINKS:
                continue
            spam_links = sum(1 for a in links if self.anchor_category(a))
            if spam_links * 2 < len(links) and not any(may_match(self._anchor_text(a)) for a in links):
                continue  # no spam word in any anchor: no need to look at the text
            text = self.text(el)
            if self._link_share(text, links) < FARM_LINK_SHARE or self._too_big(text):
                continue
            if spam_links * 2 >= len(links) or spam_category(text, self.settings):
                self._record("spam:link_farm", text, spam=True)
                self._remove(el)

    # -- pass 3: spam anchors

    def strip_anchors(self) -> None:
        for a in list(self.body.iter("a")):
            category = self.anchor_category(a) if a.get("href") is not None or a.get("title") else None
            text = self.text(a)
            if not category or not text or self._too_big(text):
                continue
            if (comment := _spam_signed_comment(a)) is not None:
                self._record(f"spam:{category}_comment", self.text(comment), spam=True)
                self._remove(comment)
                continue
            if not self._attached(a):
                continue
            parent = a.getparent()
            self._record(f"spam:{category}_anchor", text, spam=True)
            self._remove(a)
            self._drop_if_empty(parent, category)

    def _drop_if_empty(self, el, category: str) -> None:
        """Parents left with no meaningful text by a removed anchor go too."""
        for _ in range(3):
            if el is None or el is self.body or el.tag in ("html", "body"):
                return
            rest = self.text(el)
            if _meaningful(rest):
                return
            parent = el.getparent()
            if rest:
                self._record(f"spam:{category}_anchor", rest, spam=False)
            self._remove(el)
            el = parent

    # -- pass 4: spam lines and sentences

    def strip_lines(self) -> None:
        # Only leaf blocks are dropped here, so no block of this list is inside a dropped one.
        blocks = list(self.body.iter(*BLOCK_TAGS))
        containers = _containers(blocks)
        self.topics = page_topics((self._unlinked_text(el) for el in blocks if el not in containers), self.settings)
        for el in blocks:
            if el in containers:
                self._strip_loose_text(el)
                continue
            text = self.text(el)
            category, kind = self.line_category(text) if text else (None, "")
            if category and not self._too_big(text) and not _mostly_clean_prose(text):
                self._record(f"spam:{category}_{kind}", text, spam=True)
                self._remove(el)
            elif text:
                self._strip_inline(el)
                self._strip_sentences(el)

    def _unlinked_text(self, el) -> str:
        """The block's text without its links' text: what the page itself says (links spliced into
        its paragraphs are what injected spam looks like)."""
        text = self.text(el)
        for a in el.iter("a"):
            if anchor := self._anchor_text(a):
                text = text.replace(anchor, " ", 1)
        return text

    def _strip_loose_text(self, el) -> None:
        """Text directly inside a container, between its blocks (`</p>casino siteleri<p>`)."""
        slots = [(el, "text")] + [(child, "tail") for child in el]
        for node, attr in slots:
            text = getattr(node, attr)
            if text and text.strip() and (judged := self._judge_segment(text)) != text:
                self._set_text(node, attr, judged)

    def _judge_segment(self, segment: str) -> str:
        text = " ".join(segment.split())
        category, kind = self.line_category(text)
        if not category or self._too_big(text):
            return segment
        self._record(f"spam:{category}_{kind}", text, spam=True)
        return " "

    def _strip_inline(self, el) -> None:
        """A span or bold run inside a paragraph that is a spam line of its own."""
        for inline in list(el.iter(*INLINE_TAGS)):
            text = self.text(inline) if inline is not el else ""
            category, kind = self.line_category(text) if text else (None, "")
            if category and (kind == "outlier" or strong_category(text)) and self._attached(inline):
                self._record(f"spam:{category}_{kind}", text, spam=True)
                self._remove(inline)

    def _strip_sentences(self, el) -> None:
        """Spam sentences appended to honest prose: keyword runs, stuffed prose, or another language."""
        for node, attr in _text_slots(el):
            text = getattr(node, attr)
            cut = self._cut_sentences(text)
            if cut != text:
                self._set_text(node, attr, cut)

    def _cut_sentences(self, text: str) -> str:
        if not may_match(text):
            return text
        kept = []
        for sentence in _SENTENCE_PIECE.findall(text):
            plain = " ".join(sentence.split())
            category = self._sentence_category(plain) if plain else None
            if category and not self._too_big(plain):
                self._record(f"spam:{category}_sentence", plain, spam=True)
                kept.append(" " if sentence[:1].isspace() or sentence[-1:].isspace() else "")
            else:
                kept.append(sentence)
        return "".join(kept)

    def _sentence_category(self, sentence: str) -> str | None:
        if not may_match(sentence):
            return None
        keywords_only = not sentence.rstrip().endswith((".", "!", "?", "。"))
        category = spam_category(sentence, self.settings, self.topics) if keywords_only else None
        # without a folded strong phrase, _strong_hits' four scans (slower ones) find none
        strong_phrase = not category and load_lexicon().may_name_strong(sentence)
        if strong_phrase and _strong_hits(sentence) >= SENTENCE_STRONG_HITS:
            category = strong_category(sentence)
        return category or self.outlier(sentence)


_COMMENT_ID = re.compile(r"(?:div-|li-)?comment-\d+")
_COMMENTER_MARKS = frozenset({"comment-author", "comment-author-name", "fn", "vcard", "commenter", "url"})


def _spam_signed_comment(a):
    """The reader comment `a` signs, when `a` is its author's name and website (WordPress writes
    rel="external" and class "url" on it, in a "comment-author" or "fn" element): a comment signed
    with a spam phrase or a spam site is spam, whatever its text ("Great post, thanks!"). Links in
    a comment's text are not its signature."""
    marked = "external" in (a.get("rel") or "").lower().split() or any(
        _COMMENTER_MARKS & set((el.get("class") or "").split()) for el in (a, *islice(a.iterancestors(), 3)))
    if not marked:
        return None
    for el in a.iterancestors():
        classes = (el.get("class") or "").split()
        if el.tag in ("body", "html", "p", "blockquote") or any("content" in c or "text" in c for c in classes):
            return None  # the comment's text (some plugins mark every outbound link rel="external")
        if _COMMENT_ID.fullmatch(el.get("id") or "") or {"comment", "comment-body"} & set(classes):
            return el
    return None


def strip_injected_spam(tree, settings: SpamSettings) -> tuple[list[Removal], int]:
    """Remove injected spam nodes from `tree`; return the removals (step 'spam') and the number of
    spam characters removed (for the page-level spam_page decision)."""
    root, body = _body(tree)
    if body is None:
        return [], 0
    stripper = _Stripper(root, body, settings)
    stripper.strip_hidden()
    if stripper.may_hold_spam():
        stripper.text.fill()
        stripper.strip_link_farms()
        stripper.strip_anchors()
        stripper.strip_lines()
    return stripper.removed, stripper.spam_chars
