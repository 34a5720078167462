"""CI covers the real path: every real config of the three methods trains one smoke
iteration on a rehearsal root and is evaluated on the whole rehearsed test set.

The configs are the real leaves with ``schedule='smoke'`` (harness/schedule.py) — data block,
strides, padding / resize, score fusion, thresholds, heads all real — except the model widths,
which are 16 channels (``real_e2e.TINY_KEYS``) to keep the 25 runs within a few CPU minutes;
input channel counts stay real (the first layer reads 1024-3200 channels).
"""

from __future__ import annotations

import pytest
import torch
from real_e2e import LOADERS, assert_result, leaf
from test_rehearse_roots import CONFIGS

WIDTHS = {
    "tridet": ("embd_dim", "fpn_dim", "head_dim", "sgp_mlp_dim"),
    "cltdr_gmg": ("embd_dim", "fpn_dim", "head_dim", "sgp_mlp_dim"),
    "actionformer": ("embd_dim", "fpn_dim", "head_dim"),
}
THRESHOLDS = {"thumos14": 5, "multithumos": 9, "epic100": 5, "anet13": 10}
pytestmark = pytest.mark.filterwarnings("ignore::harness.metrics.EvaluationWarning")
# the 211-video option: video_test_0000270 not scored (of the 2 rehearsed test videos, 1 left)
EXCLUDED = "thumos14-test-1"
RUNS = [*CONFIGS, ("cltdr_gmg/thumos14_i3d", "thumos14", EXCLUDED)]


def _overrides(config: str, video_set: str) -> dict:
    out = {"schedule": "smoke", "default_hooks.logger.interval": 1}
    out.update({f"model.{k}": 16 for k in WIDTHS[config.split("/")[0]]})
    for loader in LOADERS:
        out.update({f"{loader}.num_workers": 0, f"{loader}.persistent_workers": False,
                    f"{loader}.dataset.serialize_data": False})
    if video_set == EXCLUDED:  # OpenTAD's 211-video protocol: video_test_0000270 not scored
        out["test_evaluator.exclude_videos"] = ["video_test_0000270"]
        out["val_evaluator.exclude_videos"] = ["video_test_0000270"]
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("config", "dataset", "video_set"), RUNS,
                         ids=[c + ("-211" if v == EXCLUDED else "") for c, _, v in RUNS])
def test_one_smoke_iteration_then_real_evaluation(rehearsal_roots, tmp_path, config, dataset, video_set):
    from harness.evaluation import run_test
    from harness.runner import resolve_run_config, runner_from_resolved
    from harness.schedule import schedule_of

    resolved = resolve_run_config(leaf(config), 0, tmp_path / "work", _overrides(config, video_set),
                                  rehearsal_roots[dataset])
    cfg = resolved.cfg
    assert schedule_of(cfg) == "smoke" and cfg.train_cfg.max_epochs == 1
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runner = runner_from_resolved(resolved)
        runner.train()
        outcome = run_test(runner)
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_num_threads(threads)
    assert runner.iter == 1  # 2 rehearsed training videos (ANet 16) = one batch
    assert THRESHOLDS[dataset] == len(outcome.result.tiou)
    assert_result(outcome, outcome.result.tiou, video_set)


@pytest.mark.slow
def test_train_command_records_smoke_and_rehearsal(rehearsal_roots, tmp_path, capsys):
    import json

    from harness.cli import main

    opts = [f"{k}={v}" for k, v in _overrides("tridet/epic100_verb_slowfast", "").items() if k != "schedule"]
    code = main(["train", str(leaf("tridet/epic100_verb_slowfast")), "--data-root", str(rehearsal_roots["epic100"]),
                 "--schedule", "smoke", "--work-dir", str(tmp_path / "run"), "--cfg-options", *opts])
    out = capsys.readouterr().out
    assert code == 0, out
    record = json.loads((tmp_path / "run" / "record.json").read_text())
    assert record["schedule"] == "smoke" and record["rehearsal"] is True and record["max_epochs"] == 1
    assert "SMOKE SCHEDULE" in out and "REHEARSAL DATA" in out
