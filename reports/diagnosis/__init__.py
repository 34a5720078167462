"""DETAD's error analysis of temporal action detectors (Alwassel et al., ECCV 2018), vectorised.

Pure numpy library (no pandas, no LaTeX): :func:`diagnose` gives the numbers of one prediction
file (normalised AP_N, the false-positive profile 1G…10G with its five error types, the gain
from removing each error type, sensitivity and false-negative rates per bucket of coverage,
length and number of instances); :mod:`reports.diagnosis.seeds` summarises many runs over
seeds; :mod:`reports.diagnosis.plots` and :mod:`reports.diagnosis.timeline` draw them.
Defaults reproduce DETAD's numbers, quirks included; see :class:`DiagnosisOptions`.
"""

from reports.diagnosis.analysis import (
    BINS,
    CHARACTERISTICS,
    TIOU,
    Diagnosis,
    DiagnosisOptions,
    analyse,
    diagnose,
)
from reports.diagnosis.inputs import (
    GroundTruth,
    Predictions,
    load_ground_truth,
    load_predictions,
    predictions_from_results,
)
from reports.diagnosis.matching import ERROR_TYPES

__all__ = [
    "BINS", "CHARACTERISTICS", "ERROR_TYPES", "TIOU", "Diagnosis", "DiagnosisOptions",
    "GroundTruth", "Predictions", "analyse", "diagnose", "load_ground_truth",
    "load_predictions", "predictions_from_results",
]
