"""The guard of our stand-ins for library internals (trafilatura's XPaths and functions, htmldate's
patterns): each replaces the library's own only while the text it was written against hashes as in
the release pinned in requirements.lock. A release that changes that text keeps its own code."""
from __future__ import annotations

import hashlib
import inspect


def text_digest(text: str) -> str:
    """The first 16 hex digits of the text's sha256: what a pin records."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def source_digest(function) -> str | None:
    """text_digest of a function's source; None when it has none to read (a frozen build): no pin matches."""
    try:
        return text_digest(inspect.getsource(function))
    except (OSError, TypeError):
        return None
