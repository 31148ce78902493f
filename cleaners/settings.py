"""Settings of the cleaning steps, one section per step. Unknown keys are errors.

The whole config file (paths, runner, schedule and these sections) is validated in
flows/config.py; each step is built from its own section only.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextSettings(Section):
    """Plain-text pages: where the title and byline lines are looked for."""

    title_max_words: int = Field(20, ge=1, le=100)
    head_lines: int = Field(6, ge=1, le=50, description="lines at the top searched for title/byline/date")


class SpamSettings(Section):
    line_coverage: float = Field(
        0.35, gt=0, le=1,
        description="share of a line's characters covered by spam phrases that makes it a spam line",
    )
    max_line_words: int = Field(60, ge=1, description="longer lines are prose, judged only by strong phrases")
    page_spam_share: float = Field(
        0.5, gt=0, le=1, description="share of the page's text that is spam above which the page is rejected"
    )


class CommentSettings(Section):
    dedup: bool = True
    short_comment_chars: int = Field(
        40, ge=0, description="comments shorter than this are duplicates only when the author matches too"
    )


class LanguageSettings(Section):
    sample_chars: int = Field(1000, ge=100, le=100_000, description="text given to langdetect")
    min_chars: int = Field(40, ge=1, description="less text than this gives language: null")
    allowed: list[str] = Field(default_factory=list, description="ISO 639-1 codes; empty keeps every language")


class FilterSettings(Section):
    min_text_chars: int = Field(100, ge=0, description="articles with less body text are rejected as too_short")


class HtmlSettings(Section):
    include_comments: bool = Field(True, description="extract reader comments from HTML pages")
    favor_precision: bool = Field(False, description="trafilatura's precision mode")
    favor_recall: bool = Field(True, description="trafilatura's recall mode")


class CleaningSettings(Section):
    text: TextSettings = TextSettings()
    html: HtmlSettings = HtmlSettings()
    spam: SpamSettings = SpamSettings()
    comments: CommentSettings = CommentSettings()
    language: LanguageSettings = LanguageSettings()
    filters: FilterSettings = FilterSettings()
