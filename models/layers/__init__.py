"""Plain layers shared by all detectors (no registry: blocks construct them directly)."""

from models.layers.drop_path import AffineDropPath, drop_path, set_drop_path_prob
from models.layers.layer_norm import LayerNorm1d
from models.layers.local_attention import LocalMaskedMHA, global_attention, local_attention
from models.layers.masked_conv import MaskedConv1d, apply_mask, downsample_mask
from models.layers.pos_embed import scaled_position_embedding, sinusoid_position_embedding
from models.layers.scale import Scale

__all__ = [
    "AffineDropPath", "LayerNorm1d", "LocalMaskedMHA", "MaskedConv1d", "Scale", "apply_mask",
    "downsample_mask", "drop_path", "global_attention", "local_attention",
    "scaled_position_embedding", "set_drop_path_prob", "sinusoid_position_embedding",
]
