"""The ordered cleaning steps: Page -> Article record | Rejected record."""
from __future__ import annotations

from typing import Any, Callable

from .boilerplate import StripChromeLines
from .comments import CollapseDuplicateComments, SplitTextComments
from .document import Draft, Drop, Page, article_record, rejected_record
from .html import ExtractHtml, site_of
from .language import DetectLanguage
from .settings import CleaningSettings, FilterSettings, SpamSettings
from .spam import StripSpamLines
from .text import ExtractTextHead, finish_body, page_lines

Step = Callable[[Draft], "Draft | Drop"]
Observer = Callable[[Step, Draft, "Draft | Drop"], None]


class RejectThinOrSpam:
    """Pages that are mostly spam, or have too little text left, yield no article."""

    name = "filters"

    def __init__(self, filters: FilterSettings, spam: SpamSettings):
        self.filters, self.spam = filters, spam

    def __call__(self, draft: Draft) -> Draft | Drop:
        body_chars = len(draft.text)
        if draft.spam_chars and draft.spam_chars >= self.spam.page_spam_share * (draft.spam_chars + body_chars):
            share = draft.spam_chars / (draft.spam_chars + body_chars)
            kinds = sorted({r.reason for r in draft.removed if r.reason.startswith("spam:")})
            return Drop("spam_page", f"{share:.0%} of the page's text is spam ({', '.join(kinds)})")
        if body_chars == 0:
            return Drop("empty", "no article text left after cleaning")
        if not any(map(str.isalnum, draft.text)):
            return Drop("too_short", f"{body_chars} characters of text, none of them a letter or digit")
        if body_chars < self.filters.min_text_chars:
            return Drop("too_short", f"{body_chars} characters of text, fewer than filters.min_text_chars "
                                     f"({self.filters.min_text_chars})")
        return draft


class Cleaner:
    """Builds each step from its own settings section once; cleans pages one at a time."""

    def __init__(self, settings: CleaningSettings):
        shared: list[Step] = [
            StripSpamLines(settings.spam),
            SplitTextComments(settings.comments),
            CollapseDuplicateComments(settings.comments),
            StripChromeLines(),
            ExtractTextHead(settings.text),
            finish_body,
            DetectLanguage(settings.language),
            RejectThinOrSpam(settings.filters, settings.spam),
        ]
        self.text_steps = shared
        self.html_steps = [ExtractHtml(settings.html, settings.spam), *shared]

    def clean(self, page: Page, observe: Observer | None = None) -> tuple[Draft, Drop | None]:
        """The cleaned draft, and the reason it yields no article (None when it does).
        `observe(step, draft, result)`, when given, sees each step's result (`winnow explain`)."""
        draft = Draft(page=page, title=page.title, url=page.url, site=site_of(page.url))
        if page.content_type == "text":
            draft.lines = page_lines(page.content)
        for step in self.html_steps if page.content_type == "html" else self.text_steps:
            result = step(draft)
            if observe is not None:
                observe(step, draft, result)
            if isinstance(result, Drop):
                return draft, result
            draft = result
        return draft, None

    def record(self, page: Page, run: dict[str, str]) -> tuple[str, dict[str, Any]]:
        """('article' | 'rejected', the feed record) for one page."""
        draft, drop = self.clean(page)
        if drop is not None:
            return "rejected", rejected_record(page, drop.reason, drop.detail, run, draft.removed, draft.url)
        return "article", article_record(draft, run)
