"""Injected spam lines: gambling, pharma, adult and counterfeit keyword blocks, in any language.

A line is judged by how much of it the lexicon covers, not by whether a spam word occurs:
an article about casino regulation or a pharmacology post keeps its text.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from importlib import resources
from itertools import compress

import yaml

from .document import Draft
from .normalize import drop_hiding_chars
from .settings import SpamSettings

STEP = "spam"

# Function words of the lexicon's languages. Prose is full of them; keyword stuffing is not.
_FUNCTION_WORDS = frozenset("""
the a an and or of to in on at for with by from is are was were be been it its this that these those who which
as not but if he she they we you his her their our has have had will would can could should may said than then
der die das und oder ist sind war ein eine einer nicht mit von zu den dem des im auf für sich auch wie als
el la los las un una y o de del en con por para es son que se no su al lo como más pero
le les une et ou du des est sont qui dans pour pas sur au avec ce il elle ils
dan atau yang di ke dari ini itu untuk dengan adalah tidak akan pada juga dalam oleh
ve bir bu da de ile için olan gibi daha çok ama ne ki
và của là có không được trong cho với những một các này người khi đã
o os as um uma e do da dos das em no na com por para não que se
""".split())


@dataclass(frozen=True, slots=True)
class Lexicon:
    strong: dict[str, re.Pattern[str]]  # category -> pattern over its strong phrases
    weak: dict[str, re.Pattern[str]]
    # the same phrases as prefix trees: whether a category's phrase occurs (search only)
    strong_search: dict[str, re.Pattern[str]]
    weak_search: dict[str, re.Pattern[str]]
    # every phrase, and every strong phrase, folded (`fold`), matched case-sensitively on folded text
    folded_any: FoldedGate
    folded_strong: FoldedGate

    def may_name_spam(self, text: str) -> bool:
        """Whether any phrase of any category may occur in `text`: most lines and pages have none."""
        return self.folded_any.found_in(fold(text))

    def may_name_strong(self, text: str) -> bool:
        """Whether a strong phrase may occur in `text`."""
        return self.folded_strong.found_in(fold(text))

    def lines_may_name_spam(self, lines: list[str]) -> set[int]:
        """The indexes of `lines` whose text as spam_category reads it (stripped, hiding characters
        removed) may_name_spam may pass: every such line, and a few more. One scan of the page for
        all its lines, not one call per line (most lines name no phrase): the bench's text pages,
        0.38 -> 0.30 ms. The lines need no strip: a match in the stripped text is one in the line,
        the whitespace stripped being no word character."""
        # folded line by line: most lines are ASCII, and lower() is faster than casefold()
        page = LINE_SEPARATOR + LINE_SEPARATOR.join([line.lower() if line.isascii() else fold(drop_hiding_chars(line))
                                                     for line in lines])
        if page.count(LINE_SEPARATOR) != len(lines):
            return set(range(len(lines)))  # a line holds the separator: its matches cannot be told apart
        return self.folded_any.lines_found_in(page)


def fold(text: str) -> str:
    """`text` folded so that a case-sensitive search of folded phrases finds every match the
    IGNORECASE search of the phrases finds (and may find a few more): re's IGNORECASE search
    scans three to four times slower. re holds i, I, İ and ı for one letter, which casefold()
    does not; U+0345 is no word character but folds to one (tests/test_spam.py checks every
    code point against the lexicon's letters)."""
    if text.isascii():
        return text.lower()
    return text.replace("\u0345", " ").casefold().replace("i\u0307", "i").replace("\u0131", "i")


# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) and
# Korean, whose words take their particles attached ("토토사이트와"): a phrase in them is matched
# anywhere, without the word boundaries that the other phrases need.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def unspaced(phrase: str) -> bool:
    """Whether `phrase` is written in a script of _UNSPACED (it is matched anywhere)."""
    return _UNSPACED.search(phrase) is not None


def _bounded(spaced: str, unspaced_alts: str) -> str:
    """The phrases between word boundaries, or (unspaced ones) anywhere."""
    both = [f"(?<!\\w){spaced}(?!\\w)" if spaced else "", unspaced_alts]
    return "|".join(part for part in both if part) or "(?!)"


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    # Longest first, so "casino siteleri" wins over "casino"; \b does not work next to
    # non-ASCII letters at the edges, so use look-arounds on word characters instead.
    alts = sorted({p.casefold() for p in phrases}, key=len, reverse=True)
    spaced = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts if not unspaced(a))
    loose = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts if unspaced(a))
    return re.compile(_bounded(f"(?:{spaced})" if spaced else "", loose), re.IGNORECASE)


def _tree_pattern(phrases: set[str], flags: int) -> re.Pattern[str]:
    spaced, loose = {p for p in phrases if not unspaced(p)}, {p for p in phrases if unspaced(p)}
    return re.compile(_bounded(prefix_tree(spaced) if spaced else "", prefix_tree(loose) if loose else ""), flags)


def _prefix_tree_pattern(phrases: list[str]) -> re.Pattern[str]:
    """What `_pattern` matches, with the phrases merged by common prefix: re tries a flat
    alternation phrase by phrase at every word start, the tree letter by letter (seven times
    faster on page text). Which match is found first can differ: for tests of whether one exists."""
    return _tree_pattern({p.casefold() for p in phrases}, re.IGNORECASE)


# A page's lines joined by it are scanned at once (FoldedGate.lines_found_in): it is neither a word
# character nor whitespace and no phrase holds one, so no match spans two lines, and to a phrase at
# a line's edge it looks as the string's edge does.
LINE_SEPARATOR = "\x00"


@cache  # 17 ms; both lexicons' gates use it
def _nonword_class() -> str:
    """A regex class of every character that is no word character of re (\\W), and of every one
    beyond the BMP (a few are word characters: the class is for a prefilter). The BMP part is
    listed, so re checks a character with one table lookup, not \\W's per-character category
    search (3x slower); built from re's own \\W, so it is \\W whatever the Unicode version."""
    bmp = "".join(map(chr, range(0x10000)))
    runs = ((m.start(), m.end() - 1) for m in re.finditer(r"\W+", bmp))
    return "[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in runs) + "\\U00010000-\\U0010ffff]"


@dataclass(frozen=True, slots=True)
class FoldedGate:
    """Whether a folded phrase occurs in folded text: the spaced phrases in one scan between word
    boundaries; the unspaced ones only in a text that holds letters of their scripts (one pattern
    for both scans every line twice as slowly)."""
    spaced: re.Pattern[str]
    loose: re.Pattern[str] | None
    # `spaced` with the character before the phrase taken (one of _nonword_class) instead of looked
    # behind at: re tries the phrases only after a space or punctuation, not at every character.
    # None when a phrase holds LINE_SEPARATOR.
    after_nonword: re.Pattern[str] | None = None

    def found_in(self, folded: str) -> bool:
        if self._spaced_found_in(folded):
            return True
        return self.loose is not None and not folded.isascii() and unspaced(folded) and bool(self.loose.search(folded))

    def _spaced_found_in(self, folded: str) -> bool:
        """spaced.search(folded), by after_nonword (lines of the bench's text pages: 4.2 -> 3.3 us):
        its first match in " " + folded is one of `spaced` unless the character it takes before the
        phrase is beyond the BMP (maybe a word character: then `spaced` is asked), and without one
        `spaced` has none."""
        if self.after_nonword is None:
            return bool(self.spaced.search(folded))
        found = self.after_nonword.search(" " + folded)
        if found is None:
            return False
        return found.group()[0] <= "\uffff" or bool(self.spaced.search(folded))

    def lines_found_in(self, folded_page: str) -> set[int]:
        """The indexes of the lines of `folded_page` (each line after a LINE_SEPARATOR, none holding
        one) where found_in may be True: a line where it is, and a few more (a phrase after a word
        character beyond the BMP)."""
        if self.after_nonword is None:
            return set(range(folded_page.count(LINE_SEPARATOR)))
        found = _lines_matched(self.after_nonword, folded_page)
        if self.loose is not None and not folded_page.isascii():  # without found_in's unspaced(): the
            found |= _lines_matched(self.loose, folded_page)  # loose tree scans a page as fast
        return found


def _lines_matched(pattern: re.Pattern[str], page: str) -> set[int]:
    """The indexes of the lines of `page` (each after a LINE_SEPARATOR) where `pattern` matches: no
    match spans a separator, so the line of a match is the one of its first character (for
    after_nonword that may be the separator before it), and the scan goes on at the next line."""
    found: set[int] = set()
    line, pos = -1, 0
    while match := pattern.search(page, pos):
        line += page.count(LINE_SEPARATOR, pos, match.start() + 1)
        found.add(line)
        pos = page.find(LINE_SEPARATOR, match.end())
        if pos < 0:
            break
    return found


def _folded_pattern(phrases: list[str]) -> FoldedGate:
    """`_prefix_tree_pattern` of the folded phrases, case-sensitive: for folded text (`fold`)."""
    folded = {fold(p) for p in phrases}
    loose = {p for p in folded if unspaced(p)}
    spaced = _bounded(prefix_tree(folded - loose), "") if folded - loose else "(?!)"
    after_nonword = _nonword_class() + f"(?:{prefix_tree(folded - loose)})(?!\\w)" if folded - loose else "(?!)"
    separable = not any(LINE_SEPARATOR in p for p in folded)
    return FoldedGate(re.compile(spaced), re.compile(prefix_tree(loose)) if loose else None,
                      re.compile(after_nonword) if separable else None)


def prefix_tree(phrases) -> str:
    """A regex alternation of `phrases` (a space in one: any run of whitespace) merged by common
    prefix."""
    tree: dict = {}
    for phrase in sorted(phrases):
        node = tree
        for token in (r"\s+" if ch == " " else re.escape(ch) for ch in phrase):
            node = node.setdefault(token, {})
        node[""] = {}  # a phrase ends here
    return _alternation(tree)


def _alternation(node: dict) -> str:
    alternatives = [token + _alternation(rest) if token else "" for token, rest in node.items()]
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


@lru_cache(maxsize=1)
def lexicon_phrases() -> dict:
    """The lexicon file as data: category -> strong/weak -> language -> phrases."""
    return yaml.safe_load(resources.files("cleaners").joinpath("data/spam_lexicon.yaml").read_text("utf-8"))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    strong, weak, strong_search, weak_search, everything, every_strong = {}, {}, {}, {}, [], []
    for category, kinds in sorted(lexicon_phrases().items()):
        phrases = {kind: [p for group in kinds[kind].values() for p in group] for kind in ("strong", "weak")}
        strong[category] = _pattern(phrases["strong"])
        weak[category] = _pattern(phrases["weak"])
        strong_search[category] = _prefix_tree_pattern(phrases["strong"])
        weak_search[category] = _prefix_tree_pattern(phrases["weak"])
        everything += phrases["strong"] + phrases["weak"]
        every_strong += phrases["strong"]
    return Lexicon(strong=strong, weak=weak, strong_search=strong_search, weak_search=weak_search,
                   folded_any=_folded_pattern(everything), folded_strong=_folded_pattern(every_strong))


def _covered(pattern: re.Pattern[str], text: str, mask: bytearray) -> int:
    hits = 0
    for m in pattern.finditer(text):
        hits += 1
        mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return hits


# A page whose own prose names a category this often is about it (a report on gambling addiction, a
# drug-safety study): a short line there with one of the category's phrases is a heading of the
# article ("No deposit bonus offers", "Weight loss pills"), not injected spam.
TOPIC_MENTIONS = 3
TOPIC_PROSE_WORDS = 15
HEADING_WORDS = 8
KEYWORD_LIST_WORDS = 12  # a bare keyword list of weak phrases is no longer than this


def page_topics(texts: Iterable[str], settings: SpamSettings) -> frozenset[str]:
    """The categories the page's honest prose (lines of TOPIC_PROSE_WORDS words or more that are
    no spam) names at least TOPIC_MENTIONS times."""
    lex, counts = load_lexicon(), Counter()
    for text in texts:
        if len(text.split()) < TOPIC_PROSE_WORDS or not lex.may_name_spam(text) or spam_category(text, settings):
            continue
        for category in lex.strong:
            counts[category] += len(lex.strong[category].findall(text)) + len(lex.weak[category].findall(text))
    return frozenset(category for category, n in counts.items() if n >= TOPIC_MENTIONS)


def spam_category(line: str, settings: SpamSettings, topics: frozenset[str] = frozenset()) -> str | None:
    """The spam category of `line` ('gambling', 'pharma', ...), or None for an honest line. `topics`:
    the page's own subjects (page_topics), whose headings are honest."""
    text = line.strip()
    if not text.isascii():
        text = drop_hiding_chars(text)  # "sl\u200bot gacor" hides the phrase from matching
    lex = load_lexicon()
    if not lex.may_name_spam(text):  # first: most lines stop here
        return None
    if not any(map(str.isalnum, text)):
        return None
    tokens = text.casefold().split()
    words = len(tokens)
    if words > max(settings.max_line_words, KEYWORD_LIST_WORDS):
        return _stuffed_paragraph(text, words, lex)
    keyword_list = words <= KEYWORD_LIST_WORDS  # the one test a line without a strong phrase can pass
    if not keyword_list and not lex.may_name_strong(text):
        return None  # most prose lines that name a weak word ('online', 'live'): 0.3 ms each before
    letters = sum(map(str.isalnum, text))
    # Prose needs near-total coverage: a sentence about spam is not spam.
    function_share = sum(t.strip(".,;:!?\"'()") in _FUNCTION_WORDS for t in tokens) / words
    needed = 0.8 if words >= 8 and function_share >= 0.2 else settings.line_coverage
    for category in lex.strong:
        if not (lex.strong_search[category].search(text) or keyword_list and lex.weak_search[category].search(text)):
            continue  # no hit of this category that one of the tests below needs: none can pass
        mask = bytearray(len(text))
        strong_hits = _covered(lex.strong[category], text, mask)
        weak_hits = _covered(lex.weak[category], text, mask)
        coverage = sum(map(str.isalnum, compress(text, mask))) / letters
        if strong_hits and words <= settings.max_line_words and coverage >= needed:
            if category in topics and strong_hits == 1 and words <= HEADING_WORDS:
                continue  # a heading of an article about the category
            return category  # keyword stuffing: the phrases are most of the line
        if strong_hits >= 4 and strong_hits * 12 >= words:
            return category  # a long stuffed paragraph: strong phrases keep coming
        if weak_hits >= 3 and keyword_list and coverage >= 0.8:
            return category  # a bare keyword list ("casino poker roulette jackpot")
    return None


def _stuffed_paragraph(text: str, words: int, lex: Lexicon) -> str | None:
    """spam_category's one test that a line longer than both word limits can pass, without the
    weak phrases and coverage the others need: its strong phrases keep coming."""
    if not lex.may_name_strong(text):
        return None
    for category, strong in lex.strong.items():
        if lex.strong_search[category].search(text):
            hits = sum(1 for _ in strong.finditer(text))
            if hits >= 4 and hits * 12 >= words:
                return category
    return None


class StripSpamLines:
    """Remove lines that are injected spam; count their characters for the spam_page decision."""

    name = STEP

    def __init__(self, settings: SpamSettings):
        self.settings = settings

    def __call__(self, draft: Draft) -> Draft:
        topics = cache(partial(page_topics, draft.lines, self.settings))  # the article's, read once a line needs them
        draft.lines = self._strip(draft.lines, draft, topics)
        draft.comment_block = self._strip(draft.comment_block, draft, topics)
        return draft

    def _strip(self, lines: list[str], draft: Draft, topics: Callable[[], frozenset[str]]) -> list[str]:
        kept = []
        may_name_spam = load_lexicon().lines_may_name_spam(lines)  # spam_category is None for the others
        for i, line in enumerate(lines):
            if i not in may_name_spam:
                kept.append(line)
                continue
            category = spam_category(line, self.settings)
            if category and len(line.split()) <= HEADING_WORDS and category in topics():  # a heading on the topic?
                category = spam_category(line, self.settings, topics())
            if category is None:
                kept.append(line)
                continue
            draft.remove(STEP, f"spam:{category}_line", line.strip())
            draft.spam_chars += len(line.strip())
        return kept
