"""The published schema (schema/*.schema.json, from cleaners/records.py) is current, and every
record a real run writes is valid against it and against the record models."""
import gzip
import json
import os
import shutil
import subprocess
import sys

import pytest
from jsonschema import Draft202012Validator  # a dependency of Prefect's, pinned in requirements.lock

from cleaners.records import KNOWN_REASONS, MODELS, REGENERATE, SCHEMA_DIR, schema_files
from cleaners.records import main as records_main
from tests.conftest import REPO
from tests.test_run import read_feed

FOLDERS = {"article": "articles", "rejected": "rejected"}


def winnow_clean(raw, out, cwd):
    """`winnow clean RAW --out OUT` (the entry point's module, so that it runs in whichever venv runs
    the tests), with this checkout's code and no Prefect server configured."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "PYTHONPATH": str(REPO),
           "PREFECT_HOME": str(cwd / ".prefect-home")}
    return subprocess.run([sys.executable, "-m", "flows.cli", "clean", str(raw), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_committed_schema_files_are_what_the_models_give():
    for path, text in schema_files().items():
        assert path.exists(), f"{path.relative_to(REPO)} is missing: run `{REGENERATE}`"
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(REPO)} differs from the record models in cleaners/records.py: run `{REGENERATE}` "
            "and commit the result")


def test_schema_files_are_valid_json_schema():
    for name in MODELS:
        schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False and schema["version"] == "1"
        assert all(d["additionalProperties"] is False for d in schema["$defs"].values())


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """`winnow clean` on the sample inputs (seed pages, HTML, JSONL with a broken line) plus inputs
    that give rejected records of other kinds."""
    tmp = tmp_path_factory.mktemp("schema")
    raw = tmp / "raw"
    shutil.copytree(REPO / "raw", raw)
    misc = raw / "misc"
    misc.mkdir()
    (misc / "empty.txt").write_bytes(b"")
    (misc / "binary.html").write_bytes(bytes(range(256)) * 4)
    (misc / "notes.pdf").write_bytes(b"%PDF-1.4 not a page")
    (misc / "truncated.txt.gz").write_bytes(gzip.compress(b"some text " * 100)[:40])
    seed = sorted((raw / "seeds").iterdir())[0]
    shutil.copy(seed, misc / "copy-of-a-seed.txt")  # a duplicate of an article of the same run
    out = tmp / "clean"
    result = winnow_clean(raw, out, cwd=tmp)
    assert result.returncode == 0, result.stderr
    return {name: read_feed(out, folder) for name, folder in FOLDERS.items()}


def test_every_record_of_a_run_is_valid(seed_run):
    reasons = {r["reason"] for r in seed_run["rejected"]}
    assert {"empty", "unreadable", "unsupported_format", "spam_page", "duplicate"} <= reasons <= set(KNOWN_REASONS)
    assert len(seed_run["article"]) >= 8 and any(a["comments"] for a in seed_run["article"])
    for name, records in seed_run.items():
        validator = Draft202012Validator(json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")))
        for record in records:
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]
            assert errors == [], f"{name} {record['provenance']['source']}: {errors}"
            MODELS[name].model_validate(record)
            MODELS[name].model_validate_json(json.dumps(record))


def test_the_schema_rejects_what_the_records_never_hold(seed_run):
    article = json.loads(json.dumps(seed_run["article"][0]))
    duplicate = next(r for r in seed_run["rejected"] if r["reason"] == "duplicate")
    empty = next(r for r in seed_run["rejected"] if r["reason"] == "empty")
    validators = {name: Draft202012Validator(json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")))
                  for name in MODELS}
    bad = [
        ("article", {**article, "surprise": 1}),
        ("article", {k: v for k, v in article.items() if k != "url"}),  # null is written, never left out
        ("article", {**article, "revision": "1"}),
        ("article", {**article, "provenance": {**article["provenance"], "removed": [{"step": "spam"}]}}),
        ("article", {**article, "comments": [{"id": "c", "text": "hi"}]}),
        ("rejected", {**empty, "reason": "Not a code"}),
        ("rejected", {**empty, "duplicate_of": duplicate["duplicate_of"]}),
        ("rejected", {k: v for k, v in duplicate.items() if k != "duplicate_of"}),
    ]
    for name, record in bad:
        assert not validators[name].is_valid(record), record
        with pytest.raises(ValueError):
            MODELS[name].model_validate(record)


def test_the_generator_check_mode(tmp_path, capsys):
    assert records_main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.schema.json", "rejected.schema.json"]
    assert records_main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "article.schema.json").write_text("{}\n")
    capsys.readouterr()
    assert records_main(["--out", str(tmp_path), "--check"]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert (tmp_path / "article.schema.json").read_text() == "{}\n"  # --check writes nothing


def test_comments_and_removals_become_record_fields_as_asdict_gives_them():
    """as_fields skips asdict's deep copy: right only while every field holds a string, a number or None."""
    from dataclasses import asdict, fields

    from cleaners.document import Comment, Removal, as_fields

    items = [Comment(author="Ann", text="Hello", published="2020-01-02", parent="c1", duplicates=2, byline="Ann says:", id="c2"),
             Comment(author=None, text="Hi"), Removal.of("spam", "spam:gambling_line", "casino " * 100)]
    for item in items:
        assert as_fields(item) == asdict(item)
        assert list(as_fields(item)) == list(asdict(item))  # the same key order in the records
        for f in fields(item):
            assert set(str(f.type).replace(" ", "").split("|")) <= {"str", "int", "None"}, f
