from pathlib import Path

import pytest

from flows.config import ConfigError, Settings, load_settings
from tests.conftest import REPO


def test_config_yaml_documents_exactly_the_defaults():
    assert load_settings(REPO / "config.yaml") == Settings()


def test_no_config_file_means_defaults(tmp_path):
    assert load_settings(tmp_path / "config.yaml") == Settings()


@pytest.mark.parametrize("text, message", [
    ("spam:\n  line_coverage: 3\n", "config.yaml: spam.line_coverage: Input should be less than or equal to 1 (got 3)"),
    ("spam:\n  lines_coverage: 0.3\n", "config.yaml: spam.lines_coverage: unknown key"),
    ("colour: blue\n", "config.yaml: colour: unknown key"),
    ("run:\n  workers: many\n", "config.yaml: run.workers: Input should be a valid integer"),
    ("schedule:\n  cron: every day\n", "config.yaml: schedule.cron: a cron expression has five fields"),
    ("serve:\n  host: 0.0.0.0\n", "config.yaml: serve.host: Input should be '127.0.0.1' or 'localhost'"),
    ("run:\n  dask_address: scheduler\n", "config.yaml: run.dask_address: a Dask scheduler address is host:port"),
    ("run:\n  dask_address: tcp://scheduler\n", "config.yaml: run.dask_address: a Dask scheduler address is host:port"),
    ("spam: [\n", "config.yaml: line 2: invalid YAML"),
    ("- a\n- b\n", "config.yaml: expected a mapping of sections"),
])
def test_config_errors_name_the_file_the_key_and_the_problem(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    Path("config.yaml").write_text(text)
    with pytest.raises(ConfigError) as err:
        load_settings(Path("config.yaml"))
    assert message in str(err.value)


def test_explicit_config_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "missing.yaml", required=True)


def test_config_hash_follows_meaning_not_formatting(tmp_path):
    (tmp_path / "a.yaml").write_text("spam:\n  line_coverage: 0.35\n")
    (tmp_path / "b.yaml").write_text("# comment\nspam: {line_coverage: 0.350}\n")
    assert load_settings(tmp_path / "a.yaml").sha256() == load_settings(tmp_path / "b.yaml").sha256() == Settings().sha256()
    (tmp_path / "c.yaml").write_text("spam:\n  line_coverage: 0.4\n")
    assert load_settings(tmp_path / "c.yaml").sha256() != Settings().sha256()


def test_config_hash_ignores_how_the_run_is_executed(tmp_path):
    (tmp_path / "a.yaml").write_text("run: {workers: 2, batch_pages: 7, runner: dask}\npaths: {clean: elsewhere}\n")
    assert load_settings(tmp_path / "a.yaml").sha256() == Settings().sha256()
    (tmp_path / "b.yaml").write_text("run: {max_input_bytes: 5000}\n")  # changes which records are rejected
    assert load_settings(tmp_path / "b.yaml").sha256() != Settings().sha256()


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "scheduler.internal:8786", "tls://dask.example.org:8786",
                                     "tcp://[::1]:8786", ""])
def test_dask_addresses_dask_accepts_are_accepted(tmp_path, address):
    (tmp_path / "config.yaml").write_text(f"run:\n  dask_address: '{address}'\n")
    assert load_settings(tmp_path / "config.yaml").run.dask_address == address
