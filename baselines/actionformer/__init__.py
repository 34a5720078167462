"""ActionFormer (happyharrycn/actionformer_release @ 61ea7eb) on the shared blocks."""

from baselines.actionformer.checkpoint import load_official_checkpoint, official_state_dict
from baselines.actionformer.detector import ActionFormer, from_official_config
from baselines.actionformer.transformer_block import TransformerBlock

__all__ = [
    "ActionFormer", "TransformerBlock", "from_official_config", "load_official_checkpoint",
    "official_state_dict",
]
