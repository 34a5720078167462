"""Building CLTDR-GMG from the official YAML ``model`` section.

The official repository is a TriDet fork whose meta-architecture is still registered as
``TriDet`` and takes exactly TriDet's model keys and defaults
(``models.detectors.trident_config``). The harness switches are not YAML keys; they are
keyword arguments here. In particular the official code chooses the classification losses by
hand-editing ``meta_archs.py`` per config suffix (LiQiang0307/CLTDR-GMG#2): pass
``pre_cls_loss='focal'`` for ``*_focalloss.yaml`` and unsuffixed configs,
``pre_cls_loss='varifocal'`` for ``*_vflloss.yaml`` (models.md §4.3, §4.6).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.cltdr_gmg.detector import CLTDRGMG
from models.detectors.trident_config import check_trident_model


def check_official_model(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an official CLTDR-GMG ``model`` dict; return it with the defaults filled in.

    Raises:
        ConfigError: unknown or missing keys, or options the harness does not implement.
    """
    return check_trident_model(cfg, "CLTDR-GMG")


def from_official_config(
    cfg: Mapping[str, Any],
    *,
    refined_cls_loss: str = "varifocal",
    pre_cls_loss: str = "focal",
    gmg: Mapping[str, Any] | None = None,
    cltdr: Mapping[str, Any] | None = None,
) -> CLTDRGMG:
    """Build ``CLTDRGMG`` from the official YAML ``model`` section (after ``load_config``).

    Args:
        cfg: the official keys (TriDet's, plus ``input_dim``, ``num_classes``,
            ``max_seq_len``, ``train_cfg``, ``test_cfg``); missing keys take the defaults.
        refined_cls_loss, pre_cls_loss: 'focal' | 'varifocal' (see the module docstring).
        gmg, cltdr: the harness switches (default: the official model).

    Returns:
        the ``CLTDRGMG`` model (official initialisation; train mode).

    Raises:
        ConfigError: unknown/missing keys or an unimplemented option.
    """
    return CLTDRGMG(
        **check_official_model(cfg), refined_cls_loss=refined_cls_loss,
        pre_cls_loss=pre_cls_loss, gmg=gmg, cltdr=cltdr,
    )
