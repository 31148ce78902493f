"""The README's "Reading the feed" snippets (new parts from the manifest, pandas, DuckDB, Hugging Face
`datasets`) run as printed against the output of real runs and give back every record as written.
pandas, duckdb and datasets are the consumer's tools, not Winnow's dependencies: each test is
skipped where its package is not installed."""
import gzip
import json
import math
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

TOOLS = {"manifest": "def new_parts(", "pandas": "import pandas", "duckdb": "import duckdb",
         "datasets": "from datasets import"}


def readme_blocks() -> dict[str, str]:
    """The python blocks of the README's feed section, by the tool each one uses."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## The feed.*?(?=^## )", text, re.M | re.S).group(0)
    blocks = {}
    for block in re.findall(r"^```python\n(.*?)^```", section, re.M | re.S):
        (tool,) = [name for name, marker in TOOLS.items() if marker in block]
        blocks[tool] = block
    return blocks


def run_block(tool: str, namespace: dict | None = None) -> dict:
    namespace = {"__name__": f"readme_{tool}", **(namespace or {})}
    exec(compile(readme_blocks()[tool], f"README.md ({tool} snippet)", "exec"), namespace)
    return namespace


def winnow_clean(raw, out, cwd):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "PYTHONPATH": str(REPO),
           "PREFECT_HOME": str(cwd / ".prefect-home")}
    result = subprocess.run([sys.executable, "-m", "flows.cli", "clean", str(raw), "--out", str(out), "--quiet"],
                            capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    assert result.returncode == 0, result.stderr


def schema_fields(kind: str) -> list[str]:
    return list(json.loads((REPO / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))["properties"])


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    """Two runs into one clean/: the seed pages and an empty file, then the HTML and JSONL samples and
    a near-copy of a seed page (a duplicate of run 1's article). Run 1's articles have no URL, run
    2's have: the parts' null columns differ, as in any real feed."""
    tmp = tmp_path_factory.mktemp("feed")
    first, second = tmp / "raw1", tmp / "raw2"
    shutil.copytree(REPO / "raw" / "seeds", first / "seeds")
    (first / "empty.txt").write_bytes(b"")
    shutil.copytree(REPO / "raw" / "html", second / "html")
    shutil.copytree(REPO / "raw" / "jsonl", second / "jsonl")
    seed = sorted((first / "seeds").iterdir())[1]
    (second / "near-copy.txt").write_text(seed.read_text(encoding="utf-8") + "\nOne more line at the end.\n",
                                          encoding="utf-8")
    winnow_clean(first, tmp / "clean", tmp)
    after_first = json.loads((tmp / "clean" / "manifest.json").read_text(encoding="utf-8"))["parts"]
    winnow_clean(second, tmp / "clean", tmp)
    parts = json.loads((tmp / "clean" / "manifest.json").read_text(encoding="utf-8"))["parts"]
    records = {"articles": [], "rejected": []}
    for part in parts:
        with gzip.open(tmp / "clean" / part["path"], "rt", encoding="utf-8") as lines:
            records[part["kind"]] += [json.loads(line) for line in lines]
    assert any(r["reason"] == "duplicate" for r in records["rejected"])
    assert {a["url"] is None for a in records["articles"]} == {True, False}
    return tmp, after_first, parts, records


def expected(records, kind):
    """The records with every schema field present (a left-out field reads as null), by id and source."""
    fields = schema_fields("article" if kind == "articles" else "rejected")
    return sorted(({f: r.get(f) for f in fields} for r in records[kind]), key=_key)


def _key(record):
    return record["id"], record["provenance"]["source"]


def test_the_readme_has_a_snippet_per_reader():
    assert set(readme_blocks()) == set(TOOLS)


def test_new_parts_from_the_manifest(feed, monkeypatch):
    tmp, after_first, parts, _ = feed
    monkeypatch.chdir(tmp)
    new_parts = run_block("manifest")["new_parts"]
    assert new_parts() == parts
    assert new_parts("clean", after_first[-1]["path"]) == parts[len(after_first):]
    assert new_parts(last_seen=parts[-1]["path"]) == []


def test_pandas_snippet(feed, monkeypatch):
    pd = pytest.importorskip("pandas")
    tmp, after_first, parts, records = feed
    monkeypatch.chdir(tmp)
    ns = run_block("pandas")

    def rows(frame):
        return sorted(({k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
                       for row in frame.to_dict("records")), key=_key)

    for kind in ("articles", "rejected"):
        frame = ns[kind]
        assert isinstance(frame, pd.DataFrame)
        assert set(frame.columns) <= set(expected(records, kind)[0])
        assert rows(frame) == [{k: v for k, v in r.items() if k in frame.columns} for r in expected(records, kind)]
    assert ns["latest"]["id"].is_unique and len(ns["latest"]) == len(ns["articles"])
    assert len(ns["comments"]) == sum(len(a["comments"]) for a in records["articles"])
    # the README's "new parts only" line
    new_parts = run_block("manifest")["new_parts"]
    fresh = ns["read_parts"]([f"clean/{p['path']}" for p in new_parts(last_seen=after_first[-1]["path"])
                              if p["kind"] == "articles"])
    assert len(fresh) == sum(p["records"] for p in parts[len(after_first):] if p["kind"] == "articles")


def test_duckdb_snippet(feed, monkeypatch):
    pytest.importorskip("duckdb")
    tmp, _, _, records = feed
    monkeypatch.chdir(tmp)
    ns = run_block("duckdb")
    assert set(ns["ARTICLE"]) == set(schema_fields("article")) and set(ns["REJECTED"]) == set(schema_fields("rejected"))
    for kind in ("articles", "rejected"):
        result = ns["con"].sql(f"SELECT * FROM {kind}")
        got = [dict(zip(result.columns, row)) for row in result.fetchall()]
        assert sorted(got, key=_key) == expected(records, kind)


def test_datasets_snippet(feed, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf", raising=False)
    tmp, _, _, records = feed
    monkeypatch.chdir(tmp)
    ns = run_block("datasets")
    assert set(ns["ARTICLE"]) == set(schema_fields("article")) and set(ns["REJECTED"]) == set(schema_fields("rejected"))
    for kind in ("articles", "rejected"):
        assert sorted(ns[kind].to_list(), key=_key) == expected(records, kind)
