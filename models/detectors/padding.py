"""Batch padding to the official rule (models.md §1 "Input and padding")."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor


def actionformer_div_factor(strides: Sequence[int], windows: Sequence[int]) -> int:
    """max over levels of s·2⌊w/2⌋ (s if w <= 1): ActionFormer's ``max_div_factor``."""
    return max(s * (w // 2) * 2 if w > 1 else s for s, w in zip(strides, windows))


def trident_div_factor(strides: Sequence[int], windows: Sequence[int]) -> int:
    """max over levels of s·w (s if w <= 1): TriDet's and CLTDR-GMG's ``max_div_factor``."""
    return max(s * w if w > 1 else s for s, w in zip(strides, windows))


def padded_length(length: int, *, training: bool, max_seq_len: int, max_div_factor: int) -> int:
    """Length the official preprocessing pads a batch whose longest video has ``length`` steps.

    Training: always ``max_seq_len`` (longer inputs are an error). Evaluation:
    ``max_seq_len`` if length <= max_seq_len, else the next multiple of ``max_div_factor``.
    """
    if training:
        assert length <= max_seq_len, (
            f"input length {length} exceeds max_seq_len {max_seq_len} in training"
        )
        return max_seq_len
    if length <= max_seq_len:
        return max_seq_len
    return (length + max_div_factor - 1) // max_div_factor * max_div_factor


def pad_batch(inputs: Tensor, lengths: Tensor, padded_len: int) -> tuple[Tensor, Tensor]:
    """Zero-pad (or cut) a batch to ``padded_len`` and rebuild the masks from the lengths.

    Args:
        inputs: float [B, C, T_in]; steps at or after each video's length are zeroed.
        lengths: int64 [B] valid lengths (<= padded_len).
        padded_len: target length.

    Returns:
        (inputs float [B, C, padded_len], masks bool [B, 1, padded_len] = arange < length).
    """
    t_in = inputs.shape[-1]
    if t_in < padded_len:
        inputs = F.pad(inputs, (0, padded_len - t_in))
    elif t_in > padded_len:
        inputs = inputs[..., :padded_len]
    masks = (torch.arange(padded_len, device=inputs.device)[None, :] < lengths[:, None])[:, None]
    if bool((lengths < min(t_in, padded_len)).any()):
        inputs = inputs.masked_fill(~masks, 0.0)  # [B, C, T]
    return inputs, masks
