"""The official weight-decay split (ActionFormer/TriDet/CLTDR-GMG ``make_optimizer``).

Weight decay applies only to the ``weight`` of modules whose class (or a base class) is in a
whitelist (``Linear``, ``Conv1d``, ``MaskedConv1d`` by default; CLTDR-GMG adds
``ConvTranspose1d``); biases, norm weights, ``Scale``/``AffineDropPath`` scales and ``rel_pe``
get none. Like the official code, a parameter is classified once for every module on its path
(``named_modules`` x recursive ``named_parameters``), and every parameter must land in exactly
one group, else :class:`~harness.errors.ConfigError`. Groups are sorted by parameter name, as in
the official code. The base learning rate is not multiplied by the number of devices.

Config::

    optim_wrapper = dict(
        type='OptimWrapper',
        optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05),
        clip_grad=dict(max_norm=1.0),
        constructor='DecayWhitelistOptimWrapperConstructor',
        paramwise_cfg=dict(extra_decay_types=('ConvTranspose1d',)))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from torch import nn

from harness.errors import ConfigError
from harness.registry import OPTIM_WRAPPER_CONSTRUCTORS

DECAY_TYPES = ("Linear", "Conv1d", "MaskedConv1d", "MaskedConv1D")
NO_DECAY_TYPES = ("LayerNorm", "LayerNorm1d", "GroupNorm")
SCALE_TYPES = ("Scale", "AffineDropPath")
NO_DECAY_PARAMS = ("rel_pe",)


@dataclass(frozen=True)
class DecaySplitRules:
    """Which parameters get weight decay (class names match anywhere in a module's MRO).

    Args:
        decay_types: module classes whose ``weight`` is decayed.
        no_decay_types: module classes whose ``weight`` is not decayed (norms).
        scale_types: module classes whose ``scale`` parameter is not decayed.
        decay_params: parameter names (last dotted component) always decayed (GMG ``w1``).
        no_decay_params: parameter names (last dotted component) never decayed (``rel_pe``).
    """

    decay_types: tuple[str, ...] = DECAY_TYPES
    no_decay_types: tuple[str, ...] = NO_DECAY_TYPES
    scale_types: tuple[str, ...] = SCALE_TYPES
    decay_params: tuple[str, ...] = ()
    no_decay_params: tuple[str, ...] = NO_DECAY_PARAMS


def _type_names(module: nn.Module) -> set[str]:
    return {cls.__name__ for cls in type(module).__mro__}


def _classify(module: nn.Module, name: str, rules: DecaySplitRules) -> bool | None:
    """True: decay, False: no decay, None: this module says nothing about ``name``."""
    last = name.rsplit(".", 1)[-1]
    types = _type_names(module)
    if last in rules.decay_params:
        return True
    if last in rules.no_decay_params:
        return False
    if last.endswith("bias"):
        return False
    if last.endswith("weight") and types & set(rules.decay_types):
        return True
    if last.endswith("weight") and types & set(rules.no_decay_types):
        return False
    if last.endswith("scale") and types & set(rules.scale_types):
        return False
    return None


def split_decay_parameters(model: nn.Module, rules: DecaySplitRules) -> tuple[list[str], list[str]]:
    """Split ``model``'s parameters into (decay, no-decay) names, each sorted.

    Raises:
        ConfigError: a parameter matches no rule, or rules put it in both groups.
    """
    decay: set[str] = set()
    no_decay: set[str] = set()
    for mod_name, module in model.named_modules():
        for par_name, _ in module.named_parameters():
            full = f"{mod_name}.{par_name}" if mod_name else par_name
            verdict = _classify(module, full, rules)
            if verdict is True:
                decay.add(full)
            elif verdict is False:
                no_decay.add(full)
    all_names = {n for n, _ in model.named_parameters()}
    both = decay & no_decay
    if both:
        raise ConfigError(f"weight-decay split: parameters in both groups: {sorted(both)[:10]}")
    missing = all_names - decay - no_decay
    if missing:
        raise ConfigError(
            f"weight-decay split: {len(missing)} parameters match no rule "
            f"(add their module type or name to paramwise_cfg): {sorted(missing)[:10]}"
        )
    return sorted(decay), sorted(no_decay)


def _as_tuple(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(values) if values is not None else ()


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class DecayWhitelistOptimWrapperConstructor:
    """Builds the optimiser with two parameter groups: decay (base ``weight_decay``) and none.

    Args:
        optim_wrapper_cfg: the ``optim_wrapper`` config without ``constructor``/``paramwise_cfg``.
        paramwise_cfg: optional ``extra_decay_types``, ``extra_no_decay_types``,
            ``extra_scale_types``, ``decay_params``, ``extra_no_decay_params``, or full
            replacements ``decay_types``, ``no_decay_types``.
    """

    _KEYS = frozenset(
        {
            "decay_types",
            "no_decay_types",
            "extra_decay_types",
            "extra_no_decay_types",
            "extra_scale_types",
            "decay_params",
            "extra_no_decay_params",
        }
    )

    def __init__(self, *, optim_wrapper_cfg: dict, paramwise_cfg: dict | None = None) -> None:
        if "optimizer" not in optim_wrapper_cfg:
            raise ConfigError("optim_wrapper: missing the 'optimizer' entry")
        self.optim_wrapper_cfg = dict(optim_wrapper_cfg)
        self.optimizer_cfg = dict(self.optim_wrapper_cfg.pop("optimizer"))
        cfg = dict(paramwise_cfg or {})
        unknown = set(cfg) - self._KEYS
        if unknown:
            raise ConfigError(f"optim_wrapper.paramwise_cfg: unknown keys {sorted(unknown)}")
        self.rules = self._rules(cfg)

    @staticmethod
    def _rules(cfg: dict) -> DecaySplitRules:
        decay: Sequence[str] = cfg.get("decay_types", DECAY_TYPES)
        no_decay: Sequence[str] = cfg.get("no_decay_types", NO_DECAY_TYPES)
        return DecaySplitRules(
            decay_types=tuple(decay) + _as_tuple(cfg.get("extra_decay_types")),
            no_decay_types=tuple(no_decay) + _as_tuple(cfg.get("extra_no_decay_types")),
            scale_types=SCALE_TYPES + _as_tuple(cfg.get("extra_scale_types")),
            decay_params=_as_tuple(cfg.get("decay_params")),
            no_decay_params=NO_DECAY_PARAMS + _as_tuple(cfg.get("extra_no_decay_params")),
        )

    def __call__(self, model: nn.Module):
        import mmengine.optim  # noqa: F401  (registers torch's optimisers)
        from mmengine.registry import OPTIM_WRAPPERS, OPTIMIZERS

        if hasattr(model, "module"):  # DDP and other wrappers
            model = model.module
        decay, no_decay = split_decay_parameters(model, self.rules)
        params = dict(model.named_parameters())
        optimizer_cfg = dict(self.optimizer_cfg)
        weight_decay = float(optimizer_cfg.get("weight_decay", 0.0))
        groups = [
            {"params": [params[n] for n in decay], "weight_decay": weight_decay},
            {"params": [params[n] for n in no_decay], "weight_decay": 0.0},
        ]
        optimizer_cfg["params"] = [g for g in groups if g["params"]]
        optimizer = OPTIMIZERS.build(optimizer_cfg)
        wrapper_cfg = dict(self.optim_wrapper_cfg)
        wrapper_cfg.setdefault("type", "OptimWrapper")
        return OPTIM_WRAPPERS.build(wrapper_cfg, default_args=dict(optimizer=optimizer))
