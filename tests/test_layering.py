"""The split the project relies on: cleaners/ never imports Prefect, and a direct CLI pass
does not load it (it costs a second per process)."""
import subprocess
import sys

from tests.conftest import REPO, SEEDS_RAW


def test_cleaners_never_import_prefect():
    offenders = [p.name for p in (REPO / "cleaners").rglob("*.py") if "prefect" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_a_direct_pass_does_not_load_prefect(tmp_path):
    code = (
        "import sys; from pathlib import Path; from flows import clean_pass, Settings; "
        f"clean_pass(Settings(), Path({str(SEEDS_RAW)!r}), Path({str(tmp_path / 'out')!r})); "
        "print('prefect' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_flow_is_importable_from_flows():
    from flows import clean_flow

    assert clean_flow.name == "winnow-clean"


def test_cleaning_and_deduplicating_do_not_load_scipy(tmp_path):
    """datasketch's package imports scipy (0.4 s in every process started): Winnow computes its
    MinHash itself. The batches run in this one process here, so their imports show."""
    code = (
        "import sys; from pathlib import Path; from flows import clean_pass, Settings; "
        "from flows.run import clean_batch; "
        f"report = clean_pass(Settings(), Path({str(SEEDS_RAW)!r}), Path({str(tmp_path / 'out')!r}), "
        "map_batches=lambda specs: (clean_batch(s) for s in specs)); "
        "print(report['records_in'], sorted(m for m in ('scipy', 'datasketch') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "5 []"
