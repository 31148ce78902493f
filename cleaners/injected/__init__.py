"""Injected spam in the HTML tree, removed before main-text extraction.

Hacked and abandoned pages carry keyword and link spam that the page's owner never wrote
(research note §1): hidden link blocks (inline styles or a <style> class), spam anchors, visible
link farms at the page edges and keyword lines or sentences inside the content. This step works on
the parsed tree, where hiding and links are still visible, and removes nodes only: never the article
container, never <head> content. The lexicon (cleaners/data/spam_lexicon.yaml, via cleaners.spam)
carries every spam decision; hiding, link density and a language that differs from the page's only
decide where to look and lower the bar.

Modules:
  tree       tag lists, the visible text of an element, text set back, small tests on text
  css        hiding_kind and StyleSheets: how inline styles and <style> rules hide an element
  lexicon    may_match, strong_category and other tests against the spam lexicon
  urls       href_category and the page's own site
  languages  language detection and function words, for language outliers
  stripper   STEP, the thresholds, the passes over one page and strip_injected_spam
"""
from __future__ import annotations

from .css import StyleSheets, hiding_kind
from .lexicon import COMPACT_MIN, may_match, strong_category
from .stripper import (
    FARM_LINK_SHARE, FARM_MIN_LINKS, HEAVY_LINK_SHARE, HIDDEN_PROSE_CHARS, KEYWORD_LINK_CATEGORIES,
    KEYWORD_LINK_COVERAGE, MAX_SHARE, OUTLIER_COVERAGE, OUTLIER_PROB, OUTLIER_WORDS, SENTENCE_STRONG_HITS, STEP,
    strip_injected_spam,
)
from .tree import BLOCK_TAGS, EXEMPT_CLASS, FARM_TAGS, INLINE_TAGS, SKIP_TAGS
from .urls import href_category

__all__ = [
    "BLOCK_TAGS", "COMPACT_MIN", "EXEMPT_CLASS", "FARM_LINK_SHARE", "FARM_MIN_LINKS", "FARM_TAGS", "HEAVY_LINK_SHARE",
    "HIDDEN_PROSE_CHARS", "INLINE_TAGS", "KEYWORD_LINK_CATEGORIES", "KEYWORD_LINK_COVERAGE", "MAX_SHARE",
    "OUTLIER_COVERAGE", "OUTLIER_PROB", "OUTLIER_WORDS", "SENTENCE_STRONG_HITS", "SKIP_TAGS", "STEP", "StyleSheets",
    "hiding_kind", "href_category", "may_match", "strip_injected_spam", "strong_category",
]
