"""Values the official training scripts derive from the data and hand to the model.

ActionFormer's and TriDet's ``train.py`` copy the training dataset's ``empty_label_ids`` into
``model.train_cfg.head_empty_cls`` before the model is built: only the EPIC loader computes
them (class ids below ``num_classes`` that no annotation of the file uses, whose
classification bias then starts at −13.8); every other official loader returns ``[]``. The
harness marks that loader behaviour with the dataset argument ``find_empty_classes=True``
(EPIC bases) and computes the same list here from the annotation file alone, so that the
resolved config of a run — dumped into its work dir and hashed — states it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from datasets.annotations import label_map, load_annotations
from harness.errors import DataError


def annotation_path(ds_cfg: Mapping[str, Any]) -> str:
    """The dataset's annotation file joined with its ``data_root`` (as mmengine's BaseDataset)."""
    ann, root = str(ds_cfg.get("ann_file", "")), str(ds_cfg.get("data_root") or "")
    return ann if not root or os.path.isabs(ann) else os.path.join(root, ann)


def empty_class_ids(ds_cfg: Mapping[str, Any]) -> list[int] | None:
    """The EPIC loader's ``empty_label_ids`` of a dataset config, from its annotation file.

    Args:
        ds_cfg: a ``FeatureTALDataset`` config dict (``ann_file``, ``data_root``,
            ``num_classes``, ``find_empty_classes``, ``class_agnostic``).

    Returns:
        Sorted ids in [0, num_classes) that no annotation of the file uses; None when the
        dataset does not ask for them (``find_empty_classes`` false), i.e. the official loader
        returns ``[]`` and the config's value is left alone.

    Raises:
        DataError: the annotation file is missing or malformed.
    """
    if not ds_cfg.get("find_empty_classes") or ds_cfg.get("class_agnostic"):
        return None
    path = annotation_path(ds_cfg)
    used = set(label_map(load_annotations(path), path).values())
    return [i for i in range(int(ds_cfg["num_classes"])) if i not in used]


def _train_dataset_cfg(cfg: Any) -> Mapping[str, Any] | None:
    loader = cfg.get("train_dataloader")
    ds = loader.get("dataset") if isinstance(loader, Mapping) else None
    return ds if isinstance(ds, Mapping) else None


def derived_head_empty_cls(cfg: Any) -> list[int] | None:
    """``model.train_cfg.head_empty_cls`` as the official ``train.py`` would set it.

    Returns:
        The list from the training dataset (see :func:`empty_class_ids`), or None when the
        training dataset does not compute one (the config's value stands).
    """
    ds = _train_dataset_cfg(cfg)
    return None if ds is None else empty_class_ids(ds)


def fill_head_empty_cls(cfg: Any, *, missing_ok: bool = False) -> list[int] | None:
    """Write the derived ``head_empty_cls`` into the config's model (official ``train.py``).

    Meant for the run path (after ``--cfg-options`` and ``--data-root``, before the config
    is hashed and dumped), so the dumped config records the list the model was built with.

    Args:
        cfg: the loaded config (mmengine ``Config`` or dict) with ``model.train_cfg``.
        missing_ok: leave the config alone when the annotation file cannot be read
            (commands that never train, e.g. ``show-config``).

    Returns:
        The list written, or None when nothing was changed.
    """
    train_cfg = (cfg.get("model") or {}).get("train_cfg")
    if not isinstance(train_cfg, Mapping) or "head_empty_cls" not in train_cfg:
        return None
    try:
        ids = derived_head_empty_cls(cfg)
    except DataError:
        if missing_ok:
            return None
        raise
    if ids is not None:
        train_cfg["head_empty_cls"] = list(ids)
    return ids
