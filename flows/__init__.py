"""Winnow's orchestration layer: reading raw/, batching, calling cleaners, writing clean/.

    from flows import clean_flow      # the Prefect flow, for your own deployments
    from flows import clean_pass      # the same pass as a plain function, no Prefect

Prefect is imported only when `clean_flow` is asked for: a one-off CLI pass does not pay for it.
"""
from typing import Any

__all__ = ["clean_flow", "clean_pass", "load_settings", "Settings"]


def __getattr__(name: str) -> Any:
    if name == "clean_flow":
        from .clean import clean_flow

        return clean_flow
    if name == "clean_pass":
        from .run import clean_pass

        return clean_pass
    if name in ("load_settings", "Settings"):
        from . import config

        return getattr(config, name)
    raise AttributeError(name)
