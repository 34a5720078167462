"""Parity adapters: model kind → how to build the model and run the stored passes.

ActionFormer (``'actionformer'``) and TriDet (``'tridet'``) are registered here, CLTDR-GMG
(``'cltdr_gmg'``) in :mod:`harness.parity.cltdr_gmg`. An adapter's ``build`` constructs the
harness model from the file's ``config`` and its ``run`` returns the same nested layout as the
file (extra outputs via ``DenseOutputs.extras``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from torch import nn

from harness.errors import DataError
from harness.parity.compare import EXACT, Tolerance
from harness.parity.dense import run_eval, run_train

FEATURE = Tolerance(atol=1e-5, rtol=1e-4)
LOSS = Tolerance(atol=1e-7, rtol=1e-5)
GRAD = Tolerance(atol=1e-6, rtol=1e-3)
LOSS_NAMES = ("cls_loss", "reg_loss", "final_loss")
EXACT_HINTS = ("mask", "points", "padded_len", "feat_len", "labels", "video_id", "num_pos")


def make_tolerance_of(
    feature: Tolerance = FEATURE, loss: Tolerance = LOSS, grad: Tolerance = GRAD
) -> Callable[[str], Tolerance]:
    """Tolerance by path (reference README §B): grads, losses, exact targets/masks, features."""

    def tolerance_of(path: str) -> Tolerance:
        leaf = path.split(".")[-1].split("[")[0]
        if path.startswith("grads"):
            return grad
        if path.startswith("losses"):
            return loss if leaf in LOSS_NAMES else EXACT
        if path.startswith("targets") or path.startswith("params_without_grad"):
            return EXACT
        if any(h in leaf for h in EXACT_HINTS):
            return EXACT
        return feature

    return tolerance_of


@dataclass(frozen=True)
class ParityAdapter:
    """How to check one model kind.

    Attributes:
        kind: the file's ``model`` value.
        build: file dict → harness model with the file's weights loaded, ready to run.
        run: (model, file dict) → nested results in the file's layout.
        tolerance_of: compared path → tolerance.
        sections: top-level keys of the file that are compared when present.
        required: sections a file must hold (a missing one fails: nothing silently skipped).
        fresh: file dict → the harness model with its own initialisation (``init_stats``).
    """

    kind: str
    build: Callable[[Mapping[str, Any]], nn.Module]
    run: Callable[[nn.Module, Mapping[str, Any]], dict[str, Any]]
    tolerance_of: Callable[[str], Tolerance]
    sections: tuple[str, ...] = ("outputs", "targets", "losses", "grads", "params_without_grad")
    required: tuple[str, ...] = ("outputs", "targets", "losses", "grads", "params_without_grad")
    fresh: Callable[[Mapping[str, Any]], nn.Module] | None = None


ADAPTERS: dict[str, ParityAdapter] = {}


def register_adapter(adapter: ParityAdapter) -> ParityAdapter:
    ADAPTERS[adapter.kind] = adapter
    return adapter


def load_weights(model: nn.Module, state_dict: Mapping[str, Any], path_hint: str) -> None:
    """Strictly load the file's weights; a layout mismatch is a one-line DataError."""
    missing, unexpected = model.load_state_dict(dict(state_dict), strict=False)
    if missing or unexpected:
        raise DataError(
            f"{path_hint}: state_dict does not match the harness model "
            f"(missing {list(missing)[:5]}, unexpected {list(unexpected)[:5]})"
        )


def force_no_drop_path(model: nn.Module, blob: Mapping[str, Any]) -> None:
    """Apply the file's runtime override ``AffineDropPath.drop_prob`` (0: never drop)."""
    from models.layers.drop_path import set_drop_path_prob

    overrides = blob.get("runtime_overrides") or {}
    n = set_drop_path_prob(model, float(overrides.get("AffineDropPath.drop_prob", 0.0)))
    expected = overrides.get("num_AffineDropPath_modules")
    if expected is not None and n != int(expected):
        raise DataError(f"parity file expects {expected} AffineDropPath modules, model has {n}")


def run_dense(model: nn.Module, blob: Mapping[str, Any]) -> dict[str, Any]:
    """Train pass then eval passes of a DenseDetector, merged into the file's layout."""
    result = run_train(model, blob)  # type: ignore[arg-type]
    result["outputs"]["eval"] = run_eval(model, blob)  # type: ignore[arg-type]
    return result


def build_actionformer(blob: Mapping[str, Any]) -> nn.Module:
    from baselines.actionformer import from_official_config

    model = from_official_config(blob["config"])
    load_weights(model, blob["state_dict"], "actionformer parity file")
    force_no_drop_path(model, blob)
    return model


def fresh_actionformer(blob: Mapping[str, Any]) -> nn.Module:
    from baselines.actionformer import from_official_config

    return from_official_config(blob["config"])


register_adapter(ParityAdapter(
    kind="actionformer", build=build_actionformer, run=run_dense,
    tolerance_of=make_tolerance_of(), fresh=fresh_actionformer,
))


def build_tridet(blob: Mapping[str, Any]) -> nn.Module:
    from baselines.tridet import from_official_config

    model = from_official_config(blob["config"])
    load_weights(model, blob["state_dict"], "tridet parity file")
    force_no_drop_path(model, blob)
    return model


def run_trident(model: nn.Module, blob: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`run_dense` plus the decoded offsets of every (point, class), which the model
    decodes only where it uses them, in the file's layouts (reference §B): train
    [B, Σ T_l, K, 2] (levels concatenated), eval per level [K, T_l, 2] (batch 1)."""
    import torch

    from models.heads.trident import trident_offsets

    def decoded(rec: Mapping[str, Any]) -> list[Any]:
        return [
            trident_offsets(o, s, e, num_bins=model.num_bins).detach()  # [B, T_l, K, 2]
            for o, s, e in zip(rec["offsets"], rec["lb_logits"], rec["rb_logits"])
        ]

    result = run_dense(model, blob)
    train = result["outputs"]["train"]
    train["decoded_offsets"] = torch.cat(decoded(train), dim=1)
    for rec in result["outputs"]["eval"]:
        rec["decoded_offsets"] = [d[0].permute(1, 0, 2) for d in decoded(rec)]
    return result


def fresh_tridet(blob: Mapping[str, Any]) -> nn.Module:
    from baselines.tridet import from_official_config

    return from_official_config(blob["config"])


register_adapter(ParityAdapter(
    kind="tridet", build=build_tridet, run=run_trident, tolerance_of=make_tolerance_of(),
    fresh=fresh_tridet,
))
