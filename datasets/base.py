"""``FeatureTALDataset``: pre-extracted features + ActionFormer-family annotation JSON.

One feature file per video (``prefix + id + suffix + ext``: ``.npy`` T x C, ``.npz``
key ``feats``, ``.pt`` tensor, ``.pkl`` SlowFast dict); annotations in seconds, mapped to
the feature grid by the pipeline. The arguments mirror the official loaders
(ActionFormer / TriDet / CLTDR-GMG ``dataset`` sections); by default the pipeline is
derived from them (:func:`standard_pipeline`), so a config states data, not code.

Items follow the shared contract: ``feats`` [C, T], ``segments`` [N, 2] grid units,
``labels`` [N], ``video_id``, ``fps``, ``duration``, ``feat_stride``, ``feat_num_frames``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from datasets.features import FEATURE_EXTS
from datasets.scan import GT_DEDUP_RULES, SplitReport, SplitSpec, scan_split
from harness.errors import ConfigError
from harness.registry import DATASETS, TRANSFORMS


def standard_pipeline(
    *,
    is_training: bool,
    downsample_rate: int = 1,
    resize_length: int | None = None,
    max_seq_len: int | None = None,
    trunc_thresh: float = 0.5,
    crop_ratio: Sequence[float] | None = None,
    widen_by_offset: bool = True,
    train_gt_filter: str | None = None,
    grid_rule: str = "actionformer",
) -> list[dict]:
    """The transform list the official loaders apply, as registry configs.

    load -> [downsample] -> [resize] -> seconds to grid -> (training) [ANet GT filter]
    -> [random truncation] -> pack.
    """
    steps: list[dict] = [dict(type="LoadTALFeatures")]
    if downsample_rate > 1:
        steps.append(dict(type="TemporalDownsample", rate=downsample_rate))
    if resize_length is not None:
        steps.append(dict(type="ResizeFeatures", length=resize_length))
    steps.append(dict(type="SecondsToGrid", rule=grid_rule))
    if is_training and train_gt_filter is not None:
        af = train_gt_filter == "actionformer"
        steps.append(dict(type="ClipSegmentsToFeatures", min_inside_ratio=trunc_thresh if af else None,
                          widen_by_offset=af))
    if is_training and max_seq_len is not None:
        steps.append(dict(type="RandomTruncate", max_seq_len=max_seq_len, trunc_thresh=trunc_thresh,
                          crop_ratio=None if crop_ratio is None else tuple(crop_ratio),
                          widen_by_offset=widen_by_offset))
    steps.append(dict(type="PackTALInputs"))
    return steps


def _check_args(name: str, *, file_ext: str, channels, downsample_rate: int, resize_length,
                is_training: bool, max_seq_len, crop_ratio, num_classes: int,
                train_gt_filter, grid_rule: str, gt_dedup) -> None:
    """Configuration errors (one line each) before any file is read."""
    if gt_dedup is not None and gt_dedup not in GT_DEDUP_RULES:
        raise ConfigError(f"{name}: gt_dedup must be None, 'tridet' or 'actionformer', got {gt_dedup!r}")
    if train_gt_filter not in (None, "actionformer", "tridet"):
        raise ConfigError(f"{name}: train_gt_filter must be None, 'actionformer' or 'tridet', "
                          f"got {train_gt_filter!r}")
    if grid_rule not in ("actionformer", "tridet"):
        raise ConfigError(f"{name}: grid_rule must be 'actionformer' or 'tridet', got {grid_rule!r}")
    if file_ext not in FEATURE_EXTS:
        raise ConfigError(f"{name}: file_ext {file_ext!r} is not one of {FEATURE_EXTS}")
    if channels is not None and (len(channels) != 2 or not 0 <= channels[0] < channels[1]):
        raise ConfigError(f"{name}: channels must be (start, end) with 0 <= start < end, got {channels!r}")
    if int(downsample_rate) != downsample_rate or downsample_rate < 1:
        raise ConfigError(f"{name}: downsample_rate must be a positive integer, got {downsample_rate!r}")
    if resize_length is not None and downsample_rate > 1:
        raise ConfigError(f"{name}: resize_length and downsample_rate > 1 exclude each other")
    if is_training and max_seq_len is None:
        raise ConfigError(f"{name}: a training dataset needs max_seq_len (the crop length)")
    if crop_ratio is not None and (len(crop_ratio) != 2 or not 0 < crop_ratio[0] <= crop_ratio[1] <= 1):
        raise ConfigError(f"{name}: crop_ratio must be (low, high) with 0 < low <= high <= 1, got {crop_ratio!r}")
    if num_classes < 1:
        raise ConfigError(f"{name}: num_classes must be >= 1, got {num_classes}")


@DATASETS.register_module()
class FeatureTALDataset(BaseDataset):
    """Temporal action localization on pre-extracted features.

    Args:
        ann_file: annotation JSON (relative to ``data_root`` unless absolute).
        feat_dir: folder of the feature files (relative to ``data_root`` unless absolute).
        subset: split name(s) in the JSON (``training``, ``validation``, ``test`` ...).
        num_classes: classes of the model (label ids must be below it; 1 with ``class_agnostic``).
        input_dim: feature channels after ``channels`` slicing.
        feat_stride: frames between consecutive features; num_frames: frames per clip.
        data_root: prefix for relative paths (the key ``--data-root`` replaces).
        default_fps: fps of every video (overrides the JSON), or None to read ``fps`` per video.
        file_prefix, file_suffix, file_ext: file name parts around the video id.
        subset_subdir: files live in ``feat_dir/<subset>/`` (HACS).
        channels: explicit ``(start, end)`` channel slice (e.g. (0, 1024) for I3D-RGB), None = all.
        downsample_rate: keep every r-th feature (stride·r).
        resize_length: fixed-length linear resize (ActionFormer ANet: 192), None = off.
        is_training: apply the training steps (GT filter, random truncation).
        max_seq_len, trunc_thresh, crop_ratio: random truncation (training only).
        widen_by_offset: ActionFormer's crop window widened by 0.5·num_frames/stride (True);
            TriDet / CLTDR-GMG do not widen (False).
        train_gt_filter: ANet training GT filter, None (off), ``'actionformer'`` (drop GT
            starting at/after T + offset or with < trunc_thresh inside, clamp to T + offset;
            also CLTDR-GMG's ANet loader) or ``'tridet'`` (drop GT starting at/after T, clamp to T).
        grid_rule: float32 arithmetic of the seconds -> grid mapping, ``'actionformer'``
            (t·fps/stride − offset) or ``'tridet'`` ((t·fps − num_frames/2)/stride).
        class_agnostic: every label becomes 0 (ActivityNet proposals).
        clip_to_duration: clip GT to [0, duration] (False keeps the file's values, as the
            official loaders do).
        allow_missing: skip videos without a feature file (counted) instead of failing.
        exclude_videos: ids left out (e.g. ``['video_test_0000270']``; the evaluator's
            ``exclude_videos`` decides what is scored, see datasets/README.md).
        gt_dedup: official GT de-duplication of the ActivityNet / HACS loaders, None (off:
            THUMOS, MultiTHUMOS, EPIC), ``'tridet'`` (same label id, bounds within 1e-3 s of an
            earlier kept GT) or ``'actionformer'`` (also drops GT shorter than 1e-3 s).
        find_empty_classes: the EPIC loader's ``empty_label_ids``: ids below num_classes that
            no annotation of the file uses (the model gives them the empty-class bias); the
            other official loaders report none.
        pipeline: explicit transform list; None derives it with :func:`standard_pipeline`.
    """

    METAINFO: dict = dict(task="temporal action localization")

    def __init__(
        self,
        *,
        ann_file: str,
        feat_dir: str,
        subset: str | Sequence[str],
        num_classes: int,
        input_dim: int,
        feat_stride: float,
        num_frames: float,
        data_root: str = "",
        default_fps: float | None = None,
        file_prefix: str = "",
        file_suffix: str = "",
        file_ext: str = ".npy",
        subset_subdir: bool = False,
        channels: Sequence[int] | None = None,
        downsample_rate: int = 1,
        resize_length: int | None = None,
        is_training: bool = False,
        max_seq_len: int | None = None,
        trunc_thresh: float = 0.5,
        crop_ratio: Sequence[float] | None = None,
        widen_by_offset: bool = True,
        train_gt_filter: str | None = None,
        grid_rule: str = "actionformer",
        class_agnostic: bool = False,
        clip_to_duration: bool = True,
        allow_missing: bool = False,
        exclude_videos: Sequence[str] = (),
        gt_dedup: str | None = None,
        find_empty_classes: bool = False,
        pipeline: list | None = None,
        metainfo: dict | None = None,
        indices: int | Sequence[int] | None = None,
        serialize_data: bool = True,
        lazy_init: bool = False,
    ) -> None:
        name = type(self).__name__
        _check_args(name, file_ext=file_ext, channels=channels, downsample_rate=downsample_rate,
                    resize_length=resize_length, is_training=is_training, max_seq_len=max_seq_len,
                    crop_ratio=crop_ratio, num_classes=num_classes,
                    train_gt_filter=train_gt_filter, grid_rule=grid_rule, gt_dedup=gt_dedup)
        subsets = (subset,) if isinstance(subset, str) else tuple(subset)
        self.subsets = tuple(s.lower() for s in subsets)
        self.num_classes = int(num_classes)
        self.input_dim = int(input_dim)
        self.feat_stride = float(feat_stride)
        self.num_frames = float(num_frames)
        self.default_fps = None if default_fps is None else float(default_fps)
        self.file_prefix, self.file_suffix, self.file_ext = file_prefix or "", file_suffix or "", file_ext
        self.subset_subdir = bool(subset_subdir)
        self.channels = None if channels is None else (int(channels[0]), int(channels[1]))
        self.is_training = bool(is_training)
        self.class_agnostic = bool(class_agnostic)
        self.clip_to_duration = bool(clip_to_duration)
        self.allow_missing = bool(allow_missing)
        self.exclude_videos = tuple(exclude_videos)
        self.gt_dedup = gt_dedup
        self.find_empty_classes = bool(find_empty_classes)
        if pipeline is None:
            pipeline = standard_pipeline(
                is_training=self.is_training, downsample_rate=int(downsample_rate),
                resize_length=resize_length, max_seq_len=max_seq_len, trunc_thresh=trunc_thresh,
                crop_ratio=crop_ratio, widen_by_offset=widen_by_offset,
                train_gt_filter=train_gt_filter, grid_rule=grid_rule)
        self.pipeline_cfg = list(pipeline)
        self.report = SplitReport()
        super().__init__(
            ann_file=ann_file, metainfo=metainfo, data_root=data_root,
            data_prefix=dict(feat_dir=feat_dir), indices=indices, serialize_data=serialize_data,
            pipeline=[TRANSFORMS.build(t) if isinstance(t, dict) else t for t in self.pipeline_cfg],
            test_mode=not self.is_training, lazy_init=lazy_init,
        )

    @property
    def feat_dir(self) -> str:
        """The feature folder joined with ``data_root``."""
        return self.data_prefix["feat_dir"]

    def split_spec(self) -> SplitSpec:
        """The arguments that decide how the split is indexed."""
        return SplitSpec(
            ann_file=str(self.ann_file), feat_dir=str(self.feat_dir), subsets=self.subsets,
            num_classes=self.num_classes, feat_stride=self.feat_stride, num_frames=self.num_frames,
            input_dim=self.input_dim, default_fps=self.default_fps, file_prefix=self.file_prefix,
            file_suffix=self.file_suffix, file_ext=self.file_ext, subset_subdir=self.subset_subdir,
            channels=self.channels, class_agnostic=self.class_agnostic,
            clip_to_duration=self.clip_to_duration, allow_missing=self.allow_missing,
            exclude_videos=self.exclude_videos, gt_dedup=self.gt_dedup,
            find_empty_classes=self.find_empty_classes,
        )

    def scan(self) -> tuple[list[dict], SplitReport]:
        """Index the split without raising (``check-data`` uses this)."""
        return scan_split(self.split_spec())

    def load_data_list(self) -> list[dict]:
        """Index the split; raise the first error, log the warnings once."""
        infos, report = self.scan()
        report.raise_errors()
        self.report = report
        for finding in report.warnings:
            print_log(finding.line(), logger="current", level=logging.WARNING)
        names = {i: n for n, i in report.label_map.items()}
        self._metainfo.update(
            subset=list(self.subsets), num_classes=self.num_classes,
            classes=[names.get(i) for i in range(self.num_classes)] if not self.class_agnostic else ["action"],
            label_map=dict(report.label_map), empty_label_ids=list(report.empty_label_ids),
            missing_videos=list(report.missing_videos), num_gt=report.num_gt,
            excluded_videos=list(report.excluded_videos),
            num_duplicates_dropped=report.num_duplicates_dropped,
            num_short_dropped=report.num_short_dropped,
        )
        return infos
