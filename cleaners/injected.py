"""Injected spam in the HTML tree, removed before main-text extraction.

Hacked and abandoned pages carry keyword and link spam that the page's owner never wrote
(research note §1): hidden link blocks (inline styles or a <style> class), spam anchors, visible
link farms at the page edges and keyword lines or sentences inside the content. This step works on
the parsed tree, where hiding and links are still visible, and removes nodes only: never the article
container, never <head> content. The lexicon (cleaners/data/spam_lexicon.yaml, via cleaners.spam)
carries every spam decision; hiding, link density and a language that differs from the page's only
decide where to look and lower the bar.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from lxml import etree

from .dom import remove_keeping_tail
from .document import Removal
from .language import detect
from .settings import SpamSettings
from .spam import lexicon_phrases, load_lexicon, spam_category

STEP = "spam"

SKIP_TAGS = ("script", "style", "template", "noscript")
BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
)
FARM_TAGS = ("ul", "ol", "dl", "div", "p", "td", "span", "li", "nav", "footer", "aside", "section", "center", "font")
INLINE_TAGS = ("span", "font", "b", "strong", "em", "i", "small", "big", "u", "mark", "cite", "label", "ins", "s")
# Accessibility classes hide short UI text ("Skip to content", "Search for:") on purpose.
EXEMPT_CLASS = re.compile(
    r"^(?:screen-reader(?:-text|-only)?|sr-only(?:-focusable)?|visually-?hidden|assistive-text|element-invisible"
    r"|a11y-hidden|hidden-visually|u-visually-hidden|show-for-sr|skip-link)$", re.I)

MAX_SHARE = 0.4  # never remove a node holding more of the page's text (unless hidden and link-heavy)
FARM_MIN_LINKS = 3
FARM_LINK_SHARE = 0.6
HEAVY_LINK_SHARE = 0.5
HIDDEN_PROSE_CHARS = 1000  # honest hidden text this long with few links is content behind a tab: kept
OUTLIER_WORDS = (4, 20)  # a language outlier is a short line...
OUTLIER_PROB = 0.7  # ...detected with some confidence (without a strong phrase, its function words must agree)...
OUTLIER_COVERAGE = 0.1  # ...with lexicon words covering this share of its letters
SENTENCE_STRONG_HITS = 3  # a same-language sentence inside prose needs this many strong phrases
COMPACT_MIN = 8  # strong phrases this long are also matched inside host names ("slotgacor88")
KEYWORD_LINK_COVERAGE = 0.5  # a keyword anchor to a spam word in another site's path
KEYWORD_LINK_CATEGORIES = ("gambling", "pharma", "adult")

# Function words per language. langdetect is confidently wrong on short English headlines
# ("Poker Sites Reach Settlement" -> de), so a language outlier must also use the other
# language's function words, not the page's.
_STOPWORDS = {lang: frozenset(words.split()) for lang, words in {
    "en": "the a an and or of to in on at for with by from is are was were be been it this that who which not but "
          "you your we our they their has have had will would can could should than then",
    "de": "der die das und oder ist sind war ein eine einer nicht mit von zu den dem des im auf für sich auch wie "
          "als bei nach aus noch nur wir sie ihr ihre jetzt hier",
    "es": "el la los las un una y o de del en con por para es son que se no su al lo como más pero muy aquí",
    "fr": "le la les un une et ou de du des est sont qui dans pour pas sur au avec ce il elle ils nous vous",
    "pt": "o os as um uma e do da dos das em no na com por para não que se é são",
    "it": "il lo la gli le un una e di da in con su per che non è sono del della",
    "nl": "de het een en van ik te dat die in is niet met voor op zijn er aan",
    "id": "dan atau yang di ke dari ini itu untuk dengan adalah tidak akan pada juga dalam oleh anda kami",
    "tr": "ve bir bu da de ile için olan gibi daha çok ama ne ki en iyi burada",
    "vi": "và của là có không được trong cho với những một các này người khi đã tại đây",
}.items()}
_WORD = re.compile(r"[^\W\d_]+")
_WORDS = re.compile(r"\w+")
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"})
_OWN_URLS = etree.XPath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content | //base/@href")
_VISIBLE_TEXT = ".//text()[not(%s)]" % " or ".join(f"ancestor::{t}" for t in SKIP_TAGS)
_TEXT = etree.XPath(_VISIBLE_TEXT, smart_strings=False)
_TEXT_NODES = etree.XPath(_VISIBLE_TEXT)  # smart strings: each knows its parent and whether it is a tail
_HAS_BLOCK = etree.XPath("boolean(descendant::*[%s])" % " or ".join(f"self::{t}" for t in BLOCK_TAGS))
_LINKS = etree.XPath(".//a[@href]")
_STYLED = etree.XPath(".//*[@style or @class or @id]")
_STYLE_SHEETS = etree.XPath("//style")
_SENTENCE = re.compile(r"[^.!?。]+(?:[.!?。]+|$)")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?([.#])([\w-]+)$", re.I)
_SELECTOR_TOKEN = re.compile(r"([.#])([\w-]+)")
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem|ex|ch|%|vw|vh|cm|mm|in)?$")
_FONT_SIZE_IN_SHORTHAND = re.compile(r"(?:^|\s)(\d*\.?\d+)(px|pt|em|rem|%)?(?=/|\s|$)")
_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0, "%": 10.0, "vw": 10.0,
       "vh": 10.0, "cm": 37.8, "mm": 3.78, "in": 96.0}
# Properties that can undo each kind of hiding, for rules that show a hidden class again.
_KIND_PROPS = {
    "display": ("display",), "visibility": ("visibility",), "font": ("font-size", "font"), "opacity": ("opacity",),
    "offscreen": ("position", "left", "top", "right", "text-indent", "margin-left", "margin-top"),
    "size": ("height", "width", "max-height", "max-width", "overflow"), "clip": ("clip", "clip-path", "position"),
}
# Hiding kinds whose honest blocks are removed too; opacity:0 is mostly a fade-in start state.
_DROP_HONEST = frozenset({"display", "visibility", "font", "offscreen", "size", "clip", "attr"})


# ----------------------------------------------------------------------------- CSS

def _declarations(text: str) -> dict[str, str]:
    decls = {}
    for part in text.split(";"):
        prop, sep, value = part.partition(":")
        if sep:
            decls[prop.strip().lower()] = value.lower().replace("!important", "").strip()
    return decls


def _px(value: str | None) -> float | None:
    match = _LENGTH.match((value or "").strip())
    return float(match.group(1)) * _PX[match.group(2)] if match else None


def _far_negative(value: str | None) -> bool:
    px = _px(value)
    return px is not None and px <= -999


def _is_zero(value: str | None) -> bool:
    px = _px(value)
    return px is not None and px == 0


def _tiny_font(d: dict[str, str]) -> bool:
    px = _px(d.get("font-size"))
    if px is None and "font" in d:
        match = _FONT_SIZE_IN_SHORTHAND.search(d["font"])  # "font: 0/0 a"
        px = float(match.group(1)) * _PX[match.group(2)] if match else None
    return px is not None and px <= 1.4


def _offscreen(d: dict[str, str]) -> bool:
    if any(_far_negative(d.get(p)) for p in ("text-indent", "margin-left", "margin-top")):
        return True
    positioned = d.get("position") in ("absolute", "fixed", "relative")
    return positioned and any(_far_negative(d.get(p)) for p in ("left", "top", "right"))


def _zero_size(d: dict[str, str]) -> bool:
    clipped = any(d.get(p) in ("hidden", "clip") for p in ("overflow", "overflow-x", "overflow-y"))
    zero = any(_is_zero(d.get(p)) for p in ("height", "width", "max-height", "max-width"))
    padded = any(k.startswith("padding") and any(_px(v) for v in d[k].split()) for k in d)  # video wrappers
    return clipped and zero and not padded


def _clipped(d: dict[str, str]) -> bool:
    clip = d.get("clip", "")
    if clip.startswith("rect(") and d.get("position") in ("absolute", "fixed"):
        sizes = [_px(v) for v in re.findall(r"-?\d*\.?\d+(?:px)?", clip)]
        return bool(sizes) and all(s is not None and s <= 1 for s in sizes)
    return d.get("clip-path", "").replace(" ", "") in ("inset(50%)", "inset(100%)", "circle(0)", "circle(0px)")


def hiding_kind(d: dict[str, str]) -> str | None:
    """How the declarations `d` hide an element ('display', 'font', 'offscreen', ...), or None."""
    if not d:
        return None
    if d.get("display") == "none":
        return "display"
    if d.get("visibility") in ("hidden", "collapse"):
        return "visibility"
    if _tiny_font(d):
        return "font"
    px = _px(d.get("opacity"))
    if px is not None and px <= 0.05:
        return "opacity"
    if _offscreen(d):
        return "offscreen"
    if _zero_size(d):
        return "size"
    if _clipped(d):
        return "clip"
    return None


def _css_rules(css: str) -> list[tuple[str, dict[str, str], bool]]:
    """(selector, declarations, inside an at-rule) for each rule of a style sheet."""
    css = _CSS_COMMENT.sub(" ", css)
    rules, stack, start, leaf = [], [], 0, False
    for match in re.finditer(r"[{}]", css):
        pos = match.start()
        if match.group() == "{":
            stack.append(css[start:pos].rsplit(";", 1)[-1].strip())
            leaf = True
        elif stack:
            prelude = stack.pop()
            if leaf and not prelude.startswith("@"):
                rules.append((prelude, _declarations(css[start:pos]), any(p.startswith("@") for p in stack)))
            leaf = False
        start = pos + 1
    return rules


class StyleSheets:
    """Classes and ids hidden by simple rules of the page's <style> blocks."""

    def __init__(self, root):
        rules = [r for style in _STYLE_SHEETS(root) for r in _css_rules(style.text or "")]
        self.by_token: dict[str, list[tuple[int, str | None, dict[str, str]]]] = {}
        kinds: dict[str, str] = {}
        simple: set[int] = set()
        for order, (selectors, decls, conditional) in enumerate(rules):
            kind = hiding_kind(decls)
            if kind is None or conditional:
                continue
            for selector in selectors.split(","):
                match = _SIMPLE_SELECTOR.match(selector.strip())
                if match:
                    token = match.group(2) + match.group(3)
                    tag = match.group(1).lower() if match.group(1) else None
                    self.by_token.setdefault(token, []).append((order, tag, decls))
                    kinds[token] = kind
                    simple.add(order)
        for token in self._shown_again(rules, kinds, simple):
            self.by_token.pop(token, None)

    @staticmethod
    def _shown_again(rules, kinds: dict[str, str], simple: set[int]) -> set[str]:
        """Tokens that another rule (a state class, a media query, a child rule) shows again."""
        shown = set()
        for order, (selectors, decls, _) in enumerate(rules):
            for dot, name in _SELECTOR_TOKEN.findall(selectors):
                kind = kinds.get(dot + name)
                if kind is None or (order in simple and hiding_kind(decls) == kind):
                    continue
                if any(p in decls for p in _KIND_PROPS[kind]) and hiding_kind(decls) != kind:
                    shown.add(dot + name)
        return shown

    def declarations(self, el) -> dict[str, str]:
        """The element's declarations: matching sheet rules in order, then its inline style."""
        decls: dict[str, str] = {}
        if self.by_token:
            tokens = ["." + c for c in (el.get("class") or "").split()] + ["#" + (el.get("id") or "").strip()]
            matched = [m for t in tokens for m in self.by_token.get(t, ()) if m[1] in (None, el.tag)]
            for _, _, rule in sorted(matched, key=lambda m: m[0]):
                decls.update(rule)
        style = el.get("style")
        if style:
            decls.update(_declarations(style))
        return decls


# ----------------------------------------------------------------------------- lexicon helpers

@lru_cache(maxsize=1)
def _compact_phrases() -> dict[str, tuple[str, ...]]:
    """Strong phrases without spaces ('slotgacor'), to find them inside host names and slugs."""
    out = {}
    for category, kinds in lexicon_phrases().items():
        compact = {re.sub(r"\W+", "", p.casefold()) for phrases in kinds["strong"].values() for p in phrases}
        out[category] = tuple(sorted(c for c in compact if len(c) >= COMPACT_MIN and c.isascii()))
    return out


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The first word of every lexicon phrase: a text without any of them cannot match."""
    phrases = [p for kinds in lexicon_phrases().values() for kind in kinds.values() for ps in kind.values() for p in ps]
    return frozenset(_WORDS.findall(p.casefold())[0] for p in phrases if _WORDS.search(p))


def may_match(text: str) -> bool:
    """False when no lexicon phrase can occur in `text` (a fast test before the real matching)."""
    return not _first_words().isdisjoint(_WORDS.findall(text.casefold()))


@lru_cache(maxsize=1)
def _compact_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    categories = {c: category for category, cs in _compact_phrases().items() for c in cs}
    return re.compile("|".join(sorted(map(re.escape, categories), key=len, reverse=True))), categories


def strong_category(text: str) -> str | None:
    """The first category with a strong phrase in `text` (no coverage test)."""
    for category, pattern in load_lexicon().strong.items():
        if pattern.search(text):
            return category
    return None


def _strong_hits(text: str) -> int:
    return sum(len(p.findall(text)) for p in load_lexicon().strong.values())


def _best_hits(text: str) -> tuple[str | None, float]:
    """The category whose phrases (strong or weak) cover most of `text`, and that coverage."""
    letters = sum(ch.isalnum() for ch in text) or 1
    best, share = None, 0.0
    lex = load_lexicon()
    for category in lex.strong:
        covered = sum(len(re.sub(r"\W", "", m.group())) for p in (lex.strong[category], lex.weak[category])
                      for m in p.finditer(text))
        if covered / letters > share:
            best, share = category, covered / letters
    return best, share


def _split_href(href: str | None) -> tuple[str, str] | None:
    """(host, path and query) of a link target, decoded; None when it is no URL."""
    if not href:
        return None
    try:
        parts = urlsplit(href.strip())
        host = parts.hostname or ""
    except ValueError:
        return None
    return host, unquote(parts.path) + " " + unquote(parts.query)


def _url_words(text: str) -> str:
    """Words of a host or path, also split between letters and digits ('togel88' -> 'togel88 togel 88')."""
    words = re.findall(r"[^\W_]+", text.casefold())
    split = [w for word in words if re.search(r"\d", word) for w in re.findall(r"[^\W\d_]+|\d+", word)]
    return " ".join(words + split)


def _site(host: str) -> str:
    """The registrable part of a host, roughly: 'www.news.example.co.uk' -> 'example.co.uk'."""
    labels = host.lower().removeprefix("www.").split(".")
    keep = 3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def href_category(href: str | None) -> str | None:
    """The spam category named by a link target's host or path ('slot-gacor', 'buy-viagra'), or None."""
    split = _split_href(href)
    if split is None:
        return None
    host, path = split
    words = " ".join(re.findall(r"[^\W_]+", f"{host} {path}".casefold()))
    category = strong_category(words) if may_match(words) else None
    if category:
        return category
    pattern, categories = _compact_pattern()
    for segment in re.split(r"[./]", f"{host}/{path}".casefold()):
        match = pattern.search(re.sub(r"[\W_]+", "", segment)) if len(segment) >= COMPACT_MIN else None
        if match:
            return categories[match.group()]
    return None


def _detect(text: str) -> tuple[str | None, float]:
    lang, prob = detect(text)
    return (lang.split("-")[0] if lang else None), prob


# ----------------------------------------------------------------------------- tree helpers

def _text(el) -> str:
    return " ".join(" ".join(_TEXT(el)).split())


def _set_text(node, attr: str, text: str) -> None:
    try:
        setattr(node, attr, text)
    except ValueError:  # the parser kept control characters that lxml refuses to set
        setattr(node, attr, _CONTROL.sub("", text))


def _containers(blocks) -> set:
    """The blocks of `blocks` that hold another block."""
    out: set = set()
    for el in blocks:
        for anc in el.iterancestors():
            if anc in out:
                break
            out.add(anc)
    return out


def _own_sites(root, body) -> frozenset[str]:
    """The page's own site: canonical, og:url or <base>, else the host most of its absolute links go to."""
    sites = {_site(split[0]) for url in _OWN_URLS(root) if (split := _split_href(str(url))) and split[0]}
    if sites:
        return frozenset(sites)
    hosts = Counter(_site(split[0]) for a in _LINKS(body) if (split := _split_href(a.get("href"))) and split[0])
    if hosts:
        site, count = hosts.most_common(1)[0]
        if count >= 5 and count >= 0.3 * sum(hosts.values()):
            sites.add(site)
    return frozenset(sites)


def _mostly_clean_prose(text: str) -> bool:
    """Several sentences, most of the text in sentences without a spam word: honest prose that
    spam was appended to. Its spam sentences are cut, the paragraph stays."""
    sentences = _SENTENCE.findall(text)
    clean = sum(len(s) for s in sentences if not may_match(s))
    return len(sentences) >= 2 and clean >= 0.5 * len(text)


def _meaningful(text: str) -> bool:
    return len(_LETTER_WORD.findall(text)) >= 3


def _exempt(el) -> bool:
    return any(EXEMPT_CLASS.match(c) for c in (el.get("class") or "").split())


# ----------------------------------------------------------------------------- the step

class _Stripper:
    """One page: the passes share the settings, the page's text size and its language."""

    def __init__(self, root, body, settings: SpamSettings):
        self.body, self.settings = body, settings
        self.css = StyleSheets(root)
        self.page_chars = len(_text(body))
        self.removed: list[Removal] = []
        self.spam_chars = 0
        self._anchor_cache: dict = {}
        self._anchor_texts: dict = {}
        self.own_sites = _own_sites(root, body)
        self._language: tuple[str | None] | None = None

    # -- bookkeeping

    def _record(self, reason: str, text: str, spam: bool) -> None:
        self.removed.append(Removal.of(STEP, reason, text))
        if spam:
            self.spam_chars += len(text)

    def _too_big(self, text: str) -> bool:
        return len(text) > MAX_SHARE * self.page_chars

    def _attached(self, el) -> bool:
        return any(anc is self.body for anc in el.iterancestors()) or el is self.body

    # -- judgments

    def page_language(self) -> str | None:
        if self._language is None:
            sample = " ".join(t for p in self.body.iter("p") if len((t := _text(p)).split()) >= 8)[:5000]
            if len(sample) < 200:
                sample = _text(self.body)[:5000]
            lang, prob = _detect(sample) if len(sample) >= 40 else (None, 0.0)
            self._language = (lang if prob >= 0.8 else None,)
        return self._language[0]

    def outlier(self, text: str) -> str | None:
        """A short line in another language than the page's, with spam words in it: the words' category."""
        words = len(text.split())
        if not OUTLIER_WORDS[0] <= words <= OUTLIER_WORDS[1]:
            return None
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
        category = spam_category(text, self.settings)
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
        ('apuestas deportivas' -> apuestas.example): in the host, or in the path of a keyword-only anchor."""
        split = _split_href(href)
        if split is None or not split[0] or _site(split[0]) in self.own_sites:
            return None
        category, coverage = _best_hits(text)
        if category not in KEYWORD_LINK_CATEGORIES:
            return None  # counterfeit words (outlet, rolex) name honest shops too
        lex = load_lexicon()
        host, path = _url_words(split[0]), _url_words(split[1])
        in_host = lex.weak[category].search(host) or lex.strong[category].search(host)
        in_path = lex.weak[category].search(path) or lex.strong[category].search(path)
        return category if in_host or (in_path and coverage >= KEYWORD_LINK_COVERAGE) else None

    def _anchor_text(self, a) -> str:
        if a not in self._anchor_texts:
            self._anchor_texts[a] = _text(a)
        return self._anchor_texts[a]

    def _link_share(self, text: str, links) -> float:
        return sum(len(self._anchor_text(a)) for a in links) / max(1, len(text))

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
        stack = list(reversed(self.body))
        while stack:
            el = stack.pop()
            if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
                continue
            kind = self.hidden_kind(el)
            if kind is None or self._hidden(el, kind) == "descend":
                stack.extend(reversed(el))

    def _hidden(self, el, kind: str) -> str:
        """Remove the hidden element if it should go; 'descend' when it stays and its inside is to be checked."""
        text = _text(el)
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
        remove_keeping_tail(el)
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
            text = _text(el)
            if self._link_share(text, links) < FARM_LINK_SHARE or self._too_big(text):
                continue
            if spam_links * 2 >= len(links) or spam_category(text, self.settings):
                self._record("spam:link_farm", text, spam=True)
                remove_keeping_tail(el)

    # -- pass 3: spam anchors

    def strip_anchors(self) -> None:
        for a in list(self.body.iter("a")):
            category = self.anchor_category(a) if a.get("href") is not None or a.get("title") else None
            text = _text(a)
            if not category or not text or not self._attached(a) or self._too_big(text):
                continue
            parent = a.getparent()
            self._record(f"spam:{category}_anchor", text, spam=True)
            remove_keeping_tail(a)
            self._drop_if_empty(parent, category)

    def _drop_if_empty(self, el, category: str) -> None:
        """Parents left with no meaningful text by a removed anchor go too."""
        for _ in range(3):
            if el is None or el is self.body or el.tag in ("html", "body"):
                return
            rest = _text(el)
            if _meaningful(rest):
                return
            parent = el.getparent()
            if rest:
                self._record(f"spam:{category}_anchor", rest, spam=False)
            remove_keeping_tail(el)
            el = parent

    # -- pass 4: spam lines and sentences

    def strip_lines(self) -> None:
        # Only leaf blocks are dropped here, so no block of this list is inside a dropped one.
        blocks = list(self.body.iter(*BLOCK_TAGS))
        containers = _containers(blocks)
        for el in blocks:
            if el in containers:
                self._strip_loose_text(el)
                continue
            text = _text(el)
            category, kind = self.line_category(text) if text else (None, "")
            if category and not self._too_big(text) and not _mostly_clean_prose(text):
                self._record(f"spam:{category}_{kind}", text, spam=True)
                remove_keeping_tail(el)
            elif text:
                self._strip_inline(el)
                self._strip_sentences(el)

    def _strip_loose_text(self, el) -> None:
        """Text directly inside a container, between its blocks (`</p>casino siteleri<p>`)."""
        slots = [(el, "text")] + [(child, "tail") for child in el]
        for node, attr in slots:
            text = getattr(node, attr)
            if text and text.strip() and (judged := self._judge_segment(text)) != text:
                _set_text(node, attr, judged)

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
            text = _text(inline) if inline is not el else ""
            category, kind = self.line_category(text) if text else (None, "")
            if category and (kind == "outlier" or strong_category(text)) and self._attached(inline):
                self._record(f"spam:{category}_{kind}", text, spam=True)
                remove_keeping_tail(inline)

    def _strip_sentences(self, el) -> None:
        """Spam sentences appended to honest prose: keyword runs, stuffed prose, or another language."""
        for node, attr in _text_slots(el):
            text = getattr(node, attr)
            cut = self._cut_sentences(text)
            if cut != text:
                _set_text(node, attr, cut)

    def _cut_sentences(self, text: str) -> str:
        if not may_match(text):
            return text
        kept = []
        for sentence in _SENTENCE.findall(text):
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
        category = spam_category(sentence, self.settings) if keywords_only else None
        if not category and _strong_hits(sentence) >= SENTENCE_STRONG_HITS:
            category = strong_category(sentence)
        return category or self.outlier(sentence)


def _text_slots(el):
    """(node, 'text' | 'tail') for every visible text node inside `el`."""
    return [(t.getparent(), "tail" if t.is_tail else "text") for t in _TEXT_NODES(el)]


def _body(tree):
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    if root is None:
        return None, None
    if root.tag == "body":
        return root, root
    body = root.find("body")
    return root, body if body is not None else root.find(".//body")


def strip_injected_spam(tree, settings: SpamSettings) -> tuple[list[Removal], int]:
    """Remove injected spam nodes from `tree`; return the removals (step 'spam') and the number of
    spam characters removed (for the page-level spam_page decision)."""
    root, body = _body(tree)
    if body is None:
        return [], 0
    stripper = _Stripper(root, body, settings)
    stripper.strip_hidden()
    stripper.strip_link_farms()
    stripper.strip_anchors()
    stripper.strip_lines()
    return stripper.removed, stripper.spam_chars
