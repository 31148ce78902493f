"""Reader comments in page text: find the thread, split it into records, collapse duplicates.

Recognised shapes (as text extraction leaves them):
  WordPress      "1. Name says:" / "Name says:" head, optional date line, indented text
  Blogger        "Name said..." head, text, then a date line and "ReplyDelete"
  Typepad        text, then "Posted by: Name | March 30, 2008 10:24 AM"
The thread starts at a comment-count header ("23 Responses to …", "3 comments:") or at a
numbered head, and ends at a closing notice or a comment form.
"""
from __future__ import annotations

import hashlib
import re

from .boilerplate import CACHED_CHROME_LINE_CHARS, chrome_reason
from .caching import cache_short
from .dates import parse_date
from .document import Comment, Draft
from .normalize import collapse_spaces, comparable, ends_in_initial
from .settings import CommentSettings

STEP = "comments"

# The verb after a commenter's name ("NAME says:", "NAME hat gesagt…"), for text heads here and for
# HTML bylines and lone "says:" lines (comments_html): one list, longest first.
COMMENT_VERBS = "|".join(sorted((
    "says", "said", "wrote", "writes", "schreibt", "sagt", "sagte", "schrieb", "hat gesagt", "hat geschrieben", "dice",
    "dijo", "escribió", "dit", "a dit", "écrit", "a écrit", "berkata", "menulis", "diyor", "dedi", "yazdı", "nói", "disse",
    "escreveu", "ha detto", "ha scritto", "zegt", "schreef", "говорит", "пишет", r"сказал\(а\)", "сказала?",
    r"написал\(а\)", "написала?"), key=len, reverse=True))
_VERBS = COMMENT_VERBS
_HEAD = re.compile(
    rf"(?:(?P<num>\d{{1,4}})[.)]\s+)?(?P<author>[^\s].{{0,79}}?)\s+(?:(?:on|am|el|le|em|pada)\s+(?P<date>.{{6,60}}?)\s+)?"
    rf"(?:{_VERBS})\s*(?P<end>:|\.\.\.|…)?\s*(?:(?:on\s+)?(?P<date2>.{{6,60}}))?",
    re.IGNORECASE,
)
_VERB_AFTER_SPACE = re.compile(rf"\s(?:{_VERBS})", re.IGNORECASE)  # every _HEAD match has one: a cheap test first
_TYPEPAD_FOOTER = re.compile(r"posted by:?\s*(?P<author>.{1,80}?)\s*\|\s*(?P<date>.{6,60})", re.IGNORECASE)
_THREAD_END = {"chrome:comments_closed", "chrome:comment_form"}
# Disqus as text capture keeps it: "Name • 3 years ago", a reply "Name → Other Name • 3 years ago"
_AGO_HEAD = re.compile(
    r"(?P<author>[^•·→\s][^•·→]{0,59}?)\s*(?:→\s*(?P<to>[^•·→]{1,60}?)\s*)?[•·]\s*(?:edited\s+)?"
    r"(?:(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago|yesterday|just now)",
    re.IGNORECASE,
)
# "The minister said:", "A spokesman for the union wrote:": prose introducing a quote. A commenter
# signs with a name or a nickname, not with a noun phrase (names such as "An" or "My" are left alone).
_NOUN_PHRASE = re.compile(r"(?:the|a|this|that|these|those|our|his|her|their|its|your)\s", re.IGNORECASE)


# a page's lines are asked about more than once (where the thread starts, then each of its lines);
# a head is at most 140 characters collapsed, so longer lines are not remembered
@cache_short(maxsize=16_384, max_chars=CACHED_CHROME_LINE_CHARS)
def parse_head(line: str) -> tuple[str, str | None, bool, str | None] | None:
    """(author, ISO date or None, numbered, name of the commenter answered or None) when `line`
    opens a comment, else None."""
    text = collapse_spaces(line)
    if not text or len(text) > 140:
        return None
    if ("•" in text or "·" in text) and (ago := _AGO_HEAD.fullmatch(text)):
        author, to = ago.group("author").strip(), ago.group("to")
        return (author, None, False, to.strip() if to else None) if _signs(author) else None
    if not _VERB_AFTER_SPACE.search(text):
        return None
    match = _HEAD.fullmatch(text)
    if not match:
        return None
    author = match.group("author").strip(" -–—:")
    date_text = match.group("date") or match.group("date2")
    published = parse_date(date_text) if date_text else None
    if date_text and published is None:
        return None  # trailing words that are not a date: a sentence, not a comment head
    if not author or not _signs(author):
        return None
    numbered = match.group("num") is not None
    if not (numbered or published or match.group("end")):
        return None  # a bare "G9 said" introduces a quote in prose; a comment head says "said:" or "said..."
    return author, published, numbered, None


def _signs(author: str) -> bool:
    """A name a commenter signs with: a few words, no sentence end, no noun phrase."""
    return 0 < len(author.split()) <= 6 and (author[-1] not in ".!?;," or ends_in_initial(author)) \
        and not _NOUN_PHRASE.match(author)


def _thread_start(lines: list[str]) -> int | None:
    """Index of the first line of the comment thread, or None when the page has none."""
    heads = [i for i, line in enumerate(lines) if parse_head(line) or _TYPEPAD_FOOTER.fullmatch(collapse_spaces(line))]
    for i, line in enumerate(lines[:max(heads, default=0)]):  # a count line opens a thread: heads follow it
        if chrome_reason(line) == "chrome:comment_count":
            return i
    numbered = [i for i in heads if (parse_head(lines[i]) or ("", None, False, None))[2]]
    if numbered:
        return numbered[0]
    if len(heads) >= 2:
        return heads[0]
    return None


class SplitTextComments:
    """Move the comment thread out of the body into Comment records."""

    name = STEP

    def __init__(self, settings: CommentSettings):
        self.settings = settings

    def __call__(self, draft: Draft) -> Draft:
        if draft.comment_block:
            self._split_block(draft)
        start = _thread_start(draft.lines)
        if start is None:
            return draft
        body, thread = draft.lines[:start], draft.lines[start:]
        comments, rest = self._split(thread, draft)
        draft.lines = body + rest
        draft.comments += comments
        return draft

    def _split_block(self, draft: Draft) -> None:
        """A comment section cut out by the extractor: heads when it has them, else one
        comment per paragraph with no author."""
        block, draft.comment_block = draft.comment_block, []
        if any(parse_head(line) or _TYPEPAD_FOOTER.fullmatch(collapse_spaces(line)) for line in block):
            comments, rest = self._split(block, draft)
            draft.comments += comments
            for line in rest:
                if collapse_spaces(line):
                    draft.remove(STEP, chrome_reason(collapse_spaces(line)) or "comment:after_thread", line.strip())
            return
        for line in block:
            line = collapse_spaces(line)
            reason = chrome_reason(line) if line else None
            if reason:
                draft.remove(STEP, reason, line)
            elif line:
                draft.comments.append(Comment(author=None, text=line))

    def _split(self, thread: list[str], draft: Draft) -> tuple[list[Comment], list[str]]:
        comments: list[Comment] = []
        current: Comment | None = None
        text_lines: list[str] = []

        def close() -> None:
            if current is not None:
                current.text = "\n".join(text_lines)
                comments.append(current)

        # chrome_reason and parse_head collapse the line first: asked of the raw line (as by
        # _thread_start and the boilerplate step) they answer from the cache
        for pos, raw in enumerate(thread):
            line = collapse_spaces(raw)
            reason = chrome_reason(raw) if line else None
            if reason in _THREAD_END:
                close()
                return comments, thread[pos:]  # the closing chrome is judged by the chrome step
            if reason:
                draft.remove(STEP, reason, line)
                continue
            head = parse_head(raw)
            footer = _TYPEPAD_FOOTER.fullmatch(line) if line else None
            if head:
                close()
                if current is None and text_lines:  # lines nobody signed: audited, not silently lost
                    draft.remove(STEP, "comment:unattributed", "\n".join(text_lines))
                current, text_lines = Comment(author=head[0], text="", published=head[1], byline=line.strip()), []
                current.parent = _answered(comments, head[3])
            elif footer:  # Typepad: the footer closes the comment written above it
                current = Comment(author=footer.group("author"), text="", published=parse_date(footer.group("date")),
                                  byline=line.strip())
                close()
                current, text_lines = None, []
            elif not line:
                continue
            elif current is not None and current.published is None and not text_lines and parse_date(line):
                current.published = parse_date(line)  # WordPress: date line under the head
            elif current is not None and parse_date(line) and _is_last_text(thread, pos):
                current.published = current.published or parse_date(line)  # Blogger: date under the text
            else:
                text_lines.append(line)  # (with no head yet: Typepad text before its footer)
        if current is None and text_lines:
            draft.remove(STEP, "comment:unattributed", "\n".join(text_lines))
        close()
        return comments, []


def _answered(comments: list[Comment], name: str | None) -> str | None:
    """Id of the latest comment by `name` (the one a reply "Name → Other Name" answers), or None."""
    for earlier in reversed(comments if name else []):
        if earlier.author == name:
            earlier.id = earlier.id or comment_id(earlier.author, earlier.text)
            return earlier.id
    return None


def _is_last_text(thread: list[str], pos: int) -> bool:
    """True when no further text of the same comment follows line `pos`."""
    for raw in thread[pos + 1:]:
        if not collapse_spaces(raw) or chrome_reason(raw):
            continue
        return bool(parse_head(raw))
    return True


def comment_id(author: str | None, text: str) -> str:
    """Stable id of a comment: the same author and text give the same id on every run."""
    return _comment_id(author, comparable(text))


def _comment_id(author: str | None, comparable_text: str) -> str:
    return hashlib.sha256(f"{author}\x00{comparable_text}".encode()).hexdigest()[:16]


def comment_key(comment: Comment, short_chars: int, text: str) -> str:
    """What makes two comments the same; `text` is comparable(comment.text)."""
    # A short "Thanks!" from two people is two comments; from one person, a double post.
    if len(text) < short_chars:
        return comparable(comment.author or "") + "\x00" + text
    return text


class CollapseDuplicateComments:
    """Keep the first of identical comments (case, whitespace, punctuation aside); count the rest."""

    name = STEP

    def __init__(self, settings: CommentSettings):
        self.settings = settings

    def __call__(self, draft: Draft) -> Draft:
        kept: dict[str, Comment] = {}
        merged: dict[str, str] = {}  # id of a dropped duplicate -> id of the comment kept for it
        for comment in draft.comments:
            text = comparable(comment.text)  # once: the id, the emptiness test and the key all need it
            comment.id = comment.id or _comment_id(comment.author, text)
            if not text:
                draft.remove(STEP, "comment:empty", comment.author or "")
                continue
            key = comment_key(comment, self.settings.short_comment_chars, text)
            if self.settings.dedup and key in kept:
                kept[key].duplicates += 1
                merged[comment.id] = kept[key].id
                draft.remove(STEP, "comment:duplicate", comment.text)
                continue
            kept[key] = comment
        draft.comments = list(kept.values())
        for comment in draft.comments:  # a reply to a dropped duplicate answers the kept one
            comment.parent = merged.get(comment.parent, comment.parent) if comment.parent else None
        return draft
