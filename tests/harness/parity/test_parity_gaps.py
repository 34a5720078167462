"""No silent gaps in one-step parity: missing/unknown sections and dtype changes fail."""

from __future__ import annotations

import pytest
import torch

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def af_blob(golden):
    return torch.load(golden / "actionformer_small_seed0.pt", weights_only=True)


def failed(report) -> dict[str, str]:
    return {r.name: r.note for r in report.rows if not r.ok}


def test_untouched_file_passes_and_compares_init_stats(af_blob):
    from harness.parity import run_parity_blob

    report = run_parity_blob(af_blob)
    assert report.ok, failed(report)
    assert any(r.name.startswith("init_stats.") for r in report.rows)
    assert any(n.startswith("not compared (state_dict") for n in report.notes)


def test_deleted_sections_fail_by_name(af_blob):
    from harness.parity import run_parity_blob

    blob = {k: v for k, v in af_blob.items() if k not in ("grads", "targets")}
    bad = failed(run_parity_blob(blob))
    assert bad.get("grads", "").startswith("missing from the file")
    assert bad.get("targets", "").startswith("missing from the file")


def test_unknown_section_fails(af_blob):
    from harness.parity import run_parity_blob

    bad = failed(run_parity_blob({**af_blob, "grads_extra": {"w": torch.zeros(2)}}))
    assert bad == {"grads_extra": "unknown section: not compared"}


def test_dtype_is_compared(af_blob):
    """A float mask where the official one is bool fails, although the values are equal."""
    from harness.parity.compare import EXACT, compare_tensor

    mask = torch.tensor([True, False, True])
    row = compare_tensor("valid_mask", mask, mask.float(), EXACT)
    assert not row.ok and "dtype" in row.note
    assert compare_tensor("valid_mask", mask, mask.clone(), EXACT).ok


def test_doctored_dtype_in_file_fails(af_blob):
    from harness.parity import run_parity_blob

    targets = dict(af_blob["targets"])
    targets["valid_mask"] = targets["valid_mask"].float()
    bad = failed(run_parity_blob({**af_blob, "targets": targets}))
    assert "dtype" in bad["targets.valid_mask"]


def test_init_stats_mismatch_fails(af_blob):
    from harness.parity import run_parity_blob

    stats = {k: dict(v) for k, v in af_blob["init_stats"].items()}
    key = next(iter(stats))
    stats[key]["std"] *= 1.01
    bad = failed(run_parity_blob({**af_blob, "init_stats": stats}))
    assert list(bad) == [f"init_stats.{key}.std"]
