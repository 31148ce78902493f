"""Per-process caches for functions of page strings (lines, hrefs, class names): pages repeat
them within and across each other, but a page can also hold a line or an href of megabytes (a
minified page, a data: URL), so only calls on short strings are remembered and the memory stays
bounded whatever the pages hold."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

Result = TypeVar("Result")


def cache_short(maxsize: int, max_chars: int) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """lru_cache(maxsize) for a function whose arguments are strings (or None), used only when
    none is longer than `max_chars`. The cache is the wrapper's `cached` (cache_info, cache_clear)."""

    def decorate(function: Callable[..., Result]) -> Callable[..., Result]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(*args: str | None) -> Result:
            for arg in args:
                if arg is not None and len(arg) > max_chars:
                    return function(*args)
            return cached(*args)

        call.cached = cached  # type: ignore[attr-defined]
        return call

    return decorate


def cache_line(maxsize: int, max_chars: int, long_maxsize: int,
               long_max_chars: int) -> Callable[[Callable[[str], Result]], Callable[[str], Result]]:
    """cache_short for a function of one string, with a second, small cache for strings up to
    `long_max_chars`: a paragraph of a few thousand characters that every step of a page asks
    about again. Memory stays bounded by both caches' sizes. The caches are `cached` and
    `cached_long`."""

    def decorate(function: Callable[[str], Result]) -> Callable[[str], Result]:
        cached = lru_cache(maxsize=maxsize)(function)
        cached_long = lru_cache(maxsize=long_maxsize)(function)

        @wraps(function)
        def call(line: str) -> Result:
            size = len(line)
            if size <= max_chars:
                return cached(line)
            return cached_long(line) if size <= long_max_chars else function(line)

        call.cached = cached  # type: ignore[attr-defined]
        call.cached_long = cached_long  # type: ignore[attr-defined]
        return call

    return decorate
