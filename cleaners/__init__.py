"""Winnow's cleaning library: plain functions and step objects, no orchestration.

    from cleaners import Cleaner, CleaningSettings, Page
    kind, record = Cleaner(CleaningSettings()).record(page, run)
"""
from .document import Comment, Draft, Drop, Page, Removal
from .pipeline import Cleaner
from .settings import CleaningSettings

__all__ = ["Cleaner", "CleaningSettings", "Comment", "Draft", "Drop", "Page", "Removal"]
