"""Lines of a comment section: which are comment chrome ('Reply', 'Comments are closed', '5 Comments'),
which read as a reader's own line, and which headings name the comments. STEP, the step every
Removal of this package names, lives here too."""
from __future__ import annotations

import re

from ..boilerplate import chrome_reason
from ..comments import COMMENT_VERBS
from ..dates import parse_date
from .render import render_lines

STEP = "comments"

_LOCAL_CHROME: dict[str, re.Pattern[str]] = {
    reason: re.compile("(?:" + "|".join(alternatives) + ")", re.IGNORECASE)
    for reason, alternatives in {
        "chrome:comments_closed": [
            r"the comments to this entry are closed\.?", r"comments (?:are )?(?:now )?(?:closed|off)\.?",
        ],
        "chrome:comment_form": [
            r"you can follow this conversation by subscribing to the comment feed for this post\.?",
            r"(?:add|post) (?:new |a )?comment", r"(?:neuen )?kommentar (?:hinzufügen|posten|schreiben)",
            r"(?:log in|login|sign in|register)(?: or register)? to (?:post comments|comment|reply)\.?",
            r"please enable javascript to view the comments.{0,80}", r"comments powered by disqus\.?",
            r"(?:kommentar|comentario|commentaire|betreff|subject|your name|ihr name)\s*\*?:?",
        ],
        "chrome:comment_action": [
            r"permalink", r"\(?edit\)?", r"in reply to .{1,150} by .{1,80}", r"antwort auf .{1,150} von .{1,80}", r"repl(?:y|ies)",
            r"load more\.{0,3}", r"add comment", r"show \d+ more repl(?:y|ies)", r"flag|report",
        ],
        "chrome:share": [r"(?:like\s*)?liked by (?:\d+|one|two|three) (?:people|person|others?)", r"\d+ likes?"],
        "chrome:comment_count": [
            r"(?:reader )?(?:comments?|responses|replies|discussion|kommentare?|comentarios|commentaires)"
            r"(?:\s*\(?\d+\)?)?:?",
        ],
    }.items()
}
_COMMENT_CHROME = {"chrome:comment_action", "chrome:comment_form", "chrome:comment_count",
                   "chrome:comments_closed", "chrome:share"}
_SAYS_LINE = re.compile(rf"(?:{COMMENT_VERBS})\s*(?::|\.\.\.|…)?", re.IGNORECASE)


def chrome_line_reason(line: str) -> str | None:
    """The chrome reason of one line of a comment section, or None when it is not chrome."""
    reason = chrome_reason(line)
    if reason:
        return reason
    for local, pattern in _LOCAL_CHROME.items():
        if pattern.fullmatch(line.strip()):
            return local
    return _button_row(line)


def _button_row(line: str) -> str | None:
    """A row of comment buttons run together: 'Like Reply', 'Reply · Report'."""
    words = [w for w in re.split(r"[\s|·•]+", line.strip()) if w]
    if 2 <= len(words) <= 5 and all(chrome_reason(w) or _LOCAL_CHROME["chrome:comment_action"].fullmatch(w)
                                    for w in words):
        return "chrome:comment_action"
    return None


def _says_line(line: str) -> str | None:
    """'Says:' left alone on a line after the author's name."""
    return "chrome:comment_action" if _SAYS_LINE.fullmatch(line) else None


def _is_body_line(line: str) -> bool:
    return sum(ch.isalpha() for ch in line) >= 2 and not chrome_line_reason(line) and not parse_date(line)


_BARE_DISCUSSION = re.compile(r"discussion\s*:?", re.IGNORECASE)


def _comment_heading(el) -> bool:
    if el.tag not in ("h2", "h3", "h4", "h5", "h6"):
        return False
    marks = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
    if "comment" in marks:
        return True
    text = " ".join(render_lines(el))
    # a bare "Discussion" heads a part of many articles (a study's discussion of its results): with
    # no count and no comment markup it names no comment section
    return chrome_line_reason(text) == "chrome:comment_count" and not _BARE_DISCUSSION.fullmatch(text.strip())
