"""The real datasets and feature sets a rehearsal writes: names, formats, channel counts, grids.

Everything here is the layout of ``datasets/README.md`` and the dataset bases under
``harness/configs/_base_/datasets/``; ``tests/datasets/real/test_specs.py`` checks each
entry against the config that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureSet:
    """One feature set on disk.

    Attributes:
        name: the id used by ``--features``.
        folder: feature folder under the data root.
        fmt: ``npy`` | ``npz`` (key ``feats``) | ``pt`` (float16 tensor T x C).
        channels: the real channel count C.
        stride / clip: frames between steps / frames per clip.
        fps: feature frame rate when the config fixes it (None: per video from the JSON).
        prefix / suffix: around the video id in the file name.
    """

    name: str
    folder: str
    fmt: str
    channels: int
    stride: int
    clip: int
    fps: float | None = None
    prefix: str = ""
    suffix: str = ""

    def rel_path(self, vid: str) -> str:
        return f"{self.folder}/{self.prefix}{vid}{self.suffix}.{self.fmt}"


FEATURE_SETS: dict[str, FeatureSet] = {
    # two-stream I3D: RGB channels 0-1023 (what the I3D-RGB configs read), flow 1024-2047
    "i3d": FeatureSet("i3d", "thumos14/features/i3d", "npy", 2048, 4, 16),
    "videomaev2": FeatureSet("videomaev2", "thumos14/features/videomaev2", "npy", 1408, 4, 16),
    "internvideo2_6b": FeatureSet("internvideo2_6b", "thumos14/features/internvideo2_6b", "pt", 3200, 4, 16,
                                  suffix="_spatial_feature"),
    "slowfast": FeatureSet("slowfast", "epic100/features/slowfast", "npz", 2304, 16, 32, fps=30.0),
    "tsp": FeatureSet("tsp", "anet13/features/tsp", "npy", 512, 16, 16, fps=15.0, prefix="v_"),
}


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of the paper as a rehearsal writes it.

    Attributes:
        name: ``thumos14`` | ``multithumos`` | ``epic100`` | ``anet13``.
        annotations: annotation files written, relative to the data root.
        feature_sets: the feature sets of Tables 1-5 for this dataset (``--features all``).
        subsets: (train, test) subset names as in the JSON.
        num_classes: classes of the annotation file (ANet: 200 before class-agnostic training).
        must_keep: videos ``--videos N`` always keeps (they carry the dataset's quirks).
        sources: the public files (in ``tests/fixtures/real/`` or the shared folder) it converts.
        min_seconds: ``--videos N`` prefers videos at least this long (ANet has 1-s videos
            of one feature step; a rehearsal of those would exercise little).
    """

    name: str
    annotations: tuple[str, ...]
    feature_sets: tuple[str, ...]
    subsets: tuple[str, str]
    num_classes: int
    must_keep: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_seconds: float = 0.0


DATASETS: dict[str, DatasetSpec] = {
    "thumos14": DatasetSpec(
        "thumos14", ("thumos14/annotations/thumos14.json",), ("i3d", "videomaev2", "internvideo2_6b"),
        ("Validation", "Test"), 20,
        # GT past the end (the 211-video protocol drops 0270); CliffDiving/Diving pairs
        must_keep=("video_test_0000270",), sources=("thumos14.json",)),
    "multithumos": DatasetSpec(
        "multithumos", ("multithumos/annotations/multithumos.json",), ("i3d", "videomaev2"),
        ("Validation", "Test"), 65, sources=("multithumos.json",)),
    "epic100": DatasetSpec(
        "epic100", ("epic100/annotations/epic_kitchens_100_verb.json",
                    "epic100/annotations/epic_kitchens_100_noun.json"), ("slowfast",),
        ("training", "validation"), 97,
        sources=("EPIC_100_validation.csv", "EPIC_100_video_info.csv",
                 "EPIC_100_verb_classes.csv", "EPIC_100_noun_classes.csv")),
    "anet13": DatasetSpec(
        "anet13", ("anet13/annotations/anet1.3_tsp_filtered.json",
                   "anet13/annotations/cuhk_val_simp_share.json"), ("tsp",),
        ("training", "validation"), 200,
        sources=("anet_anno_action.json", "anet_video_info_new.csv", "anet_action_name.csv"),
        min_seconds=60.0),
}
