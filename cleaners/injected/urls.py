"""Link targets: host and path of an href, the spam category its words name (href_category), and
the page's own site."""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import unquote, urlsplit

from ..caching import cache_short
from ..spam import load_lexicon
from .lexicon import COMPACT_MIN, _compact_pattern, _compact_search, may_match, may_name_strong_words, strong_category
from .tree import _LINKS

_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"})
_URL_WORD = re.compile(r"[^\W_]+")
_SEGMENT_SEPARATOR = re.compile(r"[./]")
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_WORD_BUT_CUT = re.compile(r"(?:[^\w/]|_)+")  # _NOT_WORD, keeping the "/" between segments


CACHED_HREF_CHARS = 2000
# The shapes of most hrefs, which urlsplit cuts at the first "/?#" after "//" and then at the first
# "#" and "?" (after dropping tabs and line breaks, excluded here): an absolute one with a plain host
# name (no user, port, brackets or non-ASCII letters, which urlsplit treats apart) and a relative one
# that starts with "/", "?" or "#" (no scheme, no host). tests/test_injected.py checks it against urlsplit.
_PLAIN_HREF = re.compile(r"(?:(?:https?:)?//(?P<host>[a-z0-9.-]+)(?=[/?#]|\Z)|(?=[/?#])(?!//))"
                         r"(?P<path>[^?#\t\n\r]*)(?:\?(?P<query>[^#\t\n\r]*))?(?:#[^\t\n\r]*)?", re.I | re.A)


# menus, footers and share bars repeat their targets, and the spam passes read each href more than once
@cache_short(maxsize=8192, max_chars=CACHED_HREF_CHARS)
def _split_href(href: str | None) -> tuple[str, str] | None:
    """(host, path and query) of a link target, decoded; None when it is no URL."""
    if not href:
        return None
    plain = _PLAIN_HREF.fullmatch(href.strip())
    if plain:  # urlsplit's answer for most hrefs (88% of the corpus's), without its cost: 0.38 -> 0.18 ms a page
        host, path, query = plain.group("host", "path", "query")
        return (host or "").lower(), unquote(path) + " " + unquote(query or "")
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


@cache_short(maxsize=4096, max_chars=CACHED_HREF_CHARS)
def href_category(href: str | None) -> str | None:
    """The spam category named by a link target's host or path ('slot-gacor', 'buy-viagra'), or None."""
    split = _split_href(href)
    if split is None:
        return None
    host, path = split
    words = " ".join(_URL_WORD.findall(f"{host} {path}".casefold()))
    category = strong_category(words) if may_match(words) else None
    if category:
        return category
    for segment in _SEGMENT_SEPARATOR.split(f"{host}/{path}".casefold()):
        if len(segment) >= COMPACT_MIN and (category := _compact_category(_NOT_WORD.sub("", segment))):
            return category
    return None


def _compact_category(compact: str) -> str | None:
    """The category of the first compact phrase in `compact` (the longest at that place). The
    prefix tree says whether there is one, the same phrases: re tries the flat alternation phrase
    by phrase at each letter, and most segments hold none (corpus hrefs: 1.5 -> 0.7 ms a page)."""
    if not _compact_search().search(compact):
        return None
    pattern, categories = _compact_pattern()
    return categories[pattern.search(compact).group()]


def hrefs_may_name_spam(hrefs) -> bool:
    """False when `href_category` finds no category in any of `hrefs`: the same tests, run once
    over all of them joined (most pages name no spam word in any link)."""
    splits = [split for href in hrefs if (split := _split_href(href)) is not None]
    words = " ".join(_URL_WORD.findall(" ".join(f"{host} {path}" for host, path in splits).casefold()))
    if may_name_strong_words(words):
        return True
    # a compact phrase found below lies within one segment's words run together, so within all the
    # words run together: where those hold none (most pages), no segment does. One search, not the
    # segments cut, sorted out and compacted first (0.35 -> 0.20 ms a page)
    if not _compact_search().search(words.replace(" ", "")):
        return False
    # each split's segments, as `href_category` cuts them ("/" between two splits is a cut too);
    # a compact phrase has no "/", so it is found within one segment, as there
    segments = _SEGMENT_SEPARATOR.split("/".join(f"{host}/{path}" for host, path in splits).casefold())
    # each segment once: a page's links repeat their folders (0.46 -> 0.33 ms a page)
    compact = _NOT_WORD_BUT_CUT.sub("", "/".join(dict.fromkeys(s for s in segments if len(s) >= COMPACT_MIN)))
    return _compact_search().search(compact) is not None


def _own_urls(root) -> list[str]:
    """The page's canonical link, og:url and <base> href: one pass over those three tags (an XPath
    union of three '//' searches walked the page three times)."""
    urls = []
    for el in root.iter("link", "meta", "base"):
        tag = el.tag
        if tag == "link" and el.get("rel") == "canonical":
            url = el.get("href")
        elif tag == "meta" and el.get("property") == "og:url":
            url = el.get("content")
        elif tag == "base":
            url = el.get("href")
        else:
            continue
        if url is not None:
            urls.append(url)
    return urls


def _own_sites(root, body) -> frozenset[str]:
    """The page's own site: canonical, og:url or <base>, else the host most of its absolute links go to."""
    sites = {_site(split[0]) for url in _own_urls(root) if (split := _split_href(url)) and split[0]}
    if sites:
        return frozenset(sites)
    hosts = Counter(_site(split[0]) for a in _LINKS(body) if (split := _split_href(a.get("href"))) and split[0])
    if hosts:
        site, count = hosts.most_common(1)[0]
        if count >= 5 and count >= 0.3 * sum(hosts.values()):
            sites.add(site)
    return frozenset(sites)
