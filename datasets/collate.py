"""``tal_collate``: pad a list of dataset items into one batch (registered in FUNCTIONS)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS

from harness.errors import DataError
from harness.registry import FUNCTIONS


def tal_collate(batch: Sequence[dict]) -> dict:
    """Zero-pad features to the longest video of the batch.

    Args:
        batch: items with ``feats`` [C, T_i] and the meta keys of the item contract.

    Returns:
        ``inputs`` FloatTensor [B, C, T_max] (zeros after T_i), ``masks`` BoolTensor
        [B, 1, T_max] (True on the first T_i steps), ``data_samples``: per item the dict
        without ``feats`` plus ``feat_len`` (int T_i). Models re-pad to their own rule.
    """
    if len(batch) == 0:
        raise DataError("tal_collate: empty batch")
    channels = {int(item["feats"].shape[0]) for item in batch}
    if len(channels) != 1:
        ids = [item.get("video_id") for item in batch]
        raise DataError(f"tal_collate: feature dims {sorted(channels)} differ within a batch (videos {ids})")
    lengths = [int(item["feats"].shape[1]) for item in batch]
    t_max = max(lengths)
    inputs = batch[0]["feats"].new_zeros((len(batch), channels.pop(), t_max))  # [B, C, T_max]
    for i, item in enumerate(batch):
        inputs[i, :, : lengths[i]] = item["feats"]
    masks = torch.arange(t_max)[None, None, :] < torch.as_tensor(lengths)[:, None, None]  # [B, 1, T_max]
    data_samples = []
    for item, length in zip(batch, lengths):
        sample = {k: v for k, v in item.items() if k != "feats"}
        sample["feat_len"] = length
        data_samples.append(sample)
    return dict(inputs=inputs, masks=masks, data_samples=data_samples)


# mmengine's Runner looks collate functions up in its *root* FUNCTIONS registry without
# switching scope (Runner.build_dataloader: ``FUNCTIONS.get(type)``), so
# ``collate_fn=dict(type='tal_collate')`` needs the root entry; the harness entry serves
# scoped lookups (``harness.tal_collate``, ``python -m harness registry``).
FUNCTIONS.register_module(module=tal_collate)
if MMENGINE_FUNCTIONS.get("tal_collate") is None:
    MMENGINE_FUNCTIONS.register_module(module=tal_collate)
