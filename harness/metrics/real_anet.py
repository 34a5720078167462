"""The real ActivityNet-1.3 evaluation path on real files: the public sample submission
(``anet_sample_detection_prediction.json``) against the validation GT built from the BSN files.

Protocol decisions (README, "Before you download the features"):
- GT: the ``validation`` videos of BSN's ``anet_anno_action.json`` (subset from
  ``anet_video_info_new.csv``, ids without ``v_``, label ids in ``anet_action_name.csv``
  order): 4,728 videos. The official ``activity_net.v1-3.min.json`` lists 4,926; the sample
  covers those, so the predictions on videos absent from the BSN GT count as false positives
  (as in the official ActivityNet code, where a prediction in a video without GT of its class
  is a false positive).
- Classes: the labels with GT (here all 200); predictions with another label would be ignored
  and counted. GT videos without any prediction keep their GT as misses.
- GT duplicates (same label, both bounds within 1e-3 s) are removed and zero-length GT dropped
  (the harness's evaluator defaults; the official ActivityNet code keeps both).
- tIoU thresholds ``np.linspace(0.5, 0.95, 10)``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

THRESHOLDS = np.linspace(0.5, 0.95, 10)
SAMPLE = "anet_sample_detection_prediction.json"


def evaluate_sample(source_dir: str | os.PathLike[str], *, reference: bool = False):
    """(MAPResult, facts) of the sample submission against the BSN validation GT."""
    import warnings

    from datasets.real.sources import find_source, read_bytes, write_anet_ground_truth
    from harness.metrics import load_ground_truth, load_predictions
    from harness.metrics.detection import evaluate_detection
    from harness.metrics.result import EvaluationWarning

    with tempfile.TemporaryDirectory() as tmp:
        gt_path = write_anet_ground_truth(source_dir, Path(tmp) / "anet_gt.json")
        pred_path = Path(tmp) / SAMPLE
        pred_path.write_bytes(read_bytes(find_source(source_dir, SAMPLE)))
        gt = load_ground_truth(gt_path, "validation")
        pred = load_predictions(pred_path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EvaluationWarning)
            result = evaluate_detection(gt, pred, THRESHOLDS, reference=reference)
    gt_videos, pred_videos = set(gt.video_id), set(pred.video_id)
    facts = {
        "gt_videos": len(gt_videos), "gt_segments": int(len(gt)),
        "prediction_videos": len(pred_videos), "predictions": int(len(pred)),
        "prediction_videos_without_gt": len(pred_videos - gt_videos),
        "predictions_on_videos_without_gt": int((~pred.video_id.isin(gt_videos)).sum()),
        "gt_videos_without_predictions": len(gt_videos - pred_videos),
    }
    return result, facts
