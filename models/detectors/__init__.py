"""The dense detector template and its helpers."""

from models.detectors.candidates import decode_center_offsets, top_candidates
from models.detectors.configs import DenseTestCfg, DenseTrainCfg, from_mapping
from models.detectors.dense_detector import DenseDetector, DenseOutputs, LossTerms, concat_levels
from models.detectors.padding import (
    actionformer_div_factor,
    pad_batch,
    padded_length,
    trident_div_factor,
)

__all__ = [
    "DenseDetector", "DenseOutputs", "LossTerms", "DenseTestCfg", "DenseTrainCfg", "actionformer_div_factor",
    "concat_levels", "decode_center_offsets", "from_mapping", "pad_batch", "padded_length",
    "top_candidates", "trident_div_factor",
]
