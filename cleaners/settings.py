"""Settings of the cleaning steps, one section per step. Unknown keys are errors.

The whole config file (paths, runner, schedule and these sections) is validated in
flows/config.py; each step is built from its own section only.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


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


class DedupSettings(Section):
    """Articles, comments and lines repeated across pages and runs (cleaners/dedup.py)."""

    enabled: bool = Field(True, description="false: every article is kept, nothing is compared")
    shingle_words: int = Field(3, ge=1, le=10, description="words per shingle of the MinHash")
    num_perm: int = Field(128, ge=16, le=1024, description="MinHash permutations (bands x rows)")
    bands: int = Field(32, ge=1, le=512, description="LSH bands: more bands find less similar pairs")
    threshold: float = Field(0.5, gt=0, le=1, description="estimated Jaccard similarity that makes a near-duplicate")
    comment_site_pages: int = Field(3, ge=2, description="a comment on this many pages of one site is site-wide spam")
    comment_min_chars: int = Field(20, ge=1, description="shorter comments ('Thanks!') are never site-wide spam")
    template_site_pages: int = Field(5, ge=2, description="a line on this many pages of one site is a template line")
    template_min_chars: int = Field(20, ge=1, description="shorter lines (headings) are never template lines")

    @model_validator(mode="after")
    def _bands_divide_permutations(self) -> "DedupSettings":
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})")
        return self


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
    dedup: DedupSettings = DedupSettings()
