"""The official padding rule and max_div_factor variants."""

from __future__ import annotations

import pytest
import torch

from models.detectors.padding import (
    actionformer_div_factor,
    pad_batch,
    padded_length,
    trident_div_factor,
)


def test_div_factors():
    thumos = [1, 2, 4, 8, 16, 32]
    assert actionformer_div_factor(thumos, [19] * 6) == 576
    assert trident_div_factor(thumos, [1] * 6) == 32
    assert actionformer_div_factor([1, 2, 4, 8], [9] * 4) == 64
    assert trident_div_factor([1, 2, 4, 8], [5] * 4) == 40
    assert actionformer_div_factor([1, 2, 4], [7, 7, -1]) == 12


def test_padded_length_rules():
    assert padded_length(100, training=True, max_seq_len=128, max_div_factor=64) == 128
    with pytest.raises(AssertionError):
        padded_length(150, training=True, max_seq_len=128, max_div_factor=64)
    assert padded_length(100, training=False, max_seq_len=128, max_div_factor=64) == 128
    assert padded_length(128, training=False, max_seq_len=128, max_div_factor=64) == 128
    assert padded_length(150, training=False, max_seq_len=128, max_div_factor=64) == 192
    assert padded_length(150, training=False, max_seq_len=128, max_div_factor=40) == 160


def test_pad_batch_zeroes_and_masks():
    x = torch.ones(2, 3, 6)
    out, m = pad_batch(x, torch.tensor([6, 4]), 8)
    assert out.shape == (2, 3, 8) and m.shape == (2, 1, 8)
    assert m[1, 0].tolist() == [True] * 4 + [False] * 4
    assert out[1, :, 4:].abs().sum() == 0 and out[0, :, :6].min() == 1
    cut, _ = pad_batch(torch.ones(1, 2, 10), torch.tensor([5]), 8)
    assert cut.shape == (1, 2, 8) and cut[0, :, 5:].abs().sum() == 0
