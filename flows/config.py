"""config.yaml -> one validated Settings model. Unknown keys, wrong types and out-of-range
values are errors that name the file and the key."""
from __future__ import annotations

import hashlib
import re
import reprlib
from pathlib import Path
from typing import Literal

import orjson
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cleaners.settings import CleaningSettings

CONFIG_MAX_BYTES = 1_000_000  # a config file is small; refuse to parse anything larger


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PathSettings(Section):
    raw: Path = Path("raw")
    clean: Path = Path("clean")


class RunSettings(Section):
    runner: Literal["process", "dask"] = Field(
        "process", description="process: a pool of processes on this machine; dask: a Dask cluster (prefect-dask)")
    dask_address: str = Field("", description="scheduler address of an existing Dask cluster; empty: a local cluster")
    workers: int = Field(0, ge=0, le=512, description="processes for cleaning; 0 = every core")
    batch_pages: int = Field(1000, ge=1, le=100_000, description="most pages in a batch (one task per batch)")
    batch_bytes: int = Field(16_000_000, ge=1_000, description="most raw bytes in a batch")
    max_input_bytes: int = Field(50_000_000, ge=1_000, description="larger raw records are rejected")
    page_timeout_seconds: float = Field(
        60, ge=0, le=3600, description="a page cleaned for longer is rejected as timeout (0: no limit)")
    page_memory_mb: int = Field(
        2048, ge=0, le=1_048_576,
        description="memory (address space) a page may add to its cleaning process; a page needing more is "
                    "rejected as oom (0: no limit)")


    @field_validator("dask_address")
    @classmethod
    def _scheduler_address(cls, value: str) -> str:
        if value and not _DASK_ADDRESS.fullmatch(value.strip()):
            raise ValueError("a Dask scheduler address is host:port, optionally with a scheme (tcp://host:8786)")
        return value.strip()


# what Dask's own parser accepts for a remote scheduler: [scheme://]host:port, an IPv6 host in brackets
_DASK_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?(?:\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):\d{1,5}")


class OutputSettings(Section):
    compress: bool = Field(True, description="write .jsonl.gz parts (false: .jsonl)")


class ScheduleSettings(Section):
    cron: str = "0 3 * * *"
    deployment: str = "nightly"
    timezone: str = "UTC"

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("a cron expression has five fields (minute hour day month weekday)")
        return value


class ServeSettings(Section):
    host: Literal["127.0.0.1", "localhost"] = "127.0.0.1"
    port: int = Field(4200, ge=1024, le=65535)
    home: Path = Field(Path(".winnow/prefect"), description="PREFECT_HOME of the server `serve` starts")


# settings that change how a run is executed or scheduled, never what it writes
_EXECUTION_ONLY = {
    "paths": True, "schedule": True, "serve": True,
    "run": {"runner", "dask_address", "workers", "batch_pages", "batch_bytes"},
}


class Settings(CleaningSettings):
    paths: PathSettings = PathSettings()
    run: RunSettings = RunSettings()
    output: OutputSettings = OutputSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    serve: ServeSettings = ServeSettings()

    def cleaning(self) -> CleaningSettings:
        return CleaningSettings(**{name: getattr(self, name) for name in CleaningSettings.model_fields})

    def sha256(self) -> str:
        """Hash of what the settings mean for the records (not how the file is written, nor where and
        how fast the run goes: workers, runner and batch sizes give the same records)."""
        meaning = self.model_dump(mode="json", exclude=_EXECUTION_ONLY)
        data = orjson.dumps(meaning, option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(data).hexdigest()


class ConfigError(Exception):
    """A config problem, already phrased for the user as `file: key: problem`."""


_SHORT_REPR = reprlib.Repr()  # Python 3.11's Repr takes no arguments
_SHORT_REPR.maxlevel, _SHORT_REPR.maxlist, _SHORT_REPR.maxdict = 2, 5, 5
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = 60


def _describe(error: dict) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown key"
    problem = error["msg"].removeprefix("Value error, ")
    if error["type"] not in ("missing",) and "input" in error and not isinstance(error["input"], dict):
        problem += f" (got {_SHORT_REPR.repr(error['input'])})"  # bounded: a YAML alias bomb expands here
    return f"{key}: {problem}"


def load_settings(path: Path | None, *, required: bool = False) -> Settings:
    """Settings from `path`; defaults when there is no file (an explicit path must exist)."""
    if path is None or not path.exists():
        if path is not None and required:
            raise ConfigError(f"{path}: config file not found")
        return Settings()
    name = str(path)
    try:
        if path.stat().st_size > CONFIG_MAX_BYTES:
            raise ConfigError(f"{name}: larger than {CONFIG_MAX_BYTES} bytes; not a config file")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ConfigError(f"{name}: {where}invalid YAML: {getattr(exc, 'problem', exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: cannot read: {exc}") from None
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping of sections, got {type(data).__name__}")
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(f"{name}: {_describe(e)}" for e in exc.errors())) from None
