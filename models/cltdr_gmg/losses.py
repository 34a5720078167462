"""The CLTDR-GMG loss: 0.7·L(refined outputs) + 0.3·L(pre-refinement outputs).

Each term is the TriDet form (summed classification loss over valid points and DIoU over
positive (point, class) pairs, both divided by the loss normaliser; final = cls + w·reg).
The official code advances the normaliser once per term (reference README §D.3), so the
refined term divides by n1 and the pre-refinement term by n2 = 0.9·n1 + 0.1·max(#pos, 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from models.detectors.dense_detector import LossTerms


def branch_terms(
    cls_sum: Tensor,
    pred_offsets: Tensor,
    target_offsets: Tensor,
    *,
    reg_loss: Callable[[Tensor, Tensor], Tensor],
    normalizer: float,
    loss_weight: float,
    num_pos: int,
    valid_mask: Tensor,
    pos_mask: Tensor,
) -> LossTerms:
    """One loss term (official ``losses`` / ``before_refine_losses``) from its summed cls loss.

    Args:
        cls_sum: 0-dim summed classification loss (before normalisation).
        pred_offsets, target_offsets: float [M, 2] offsets of the positive pairs.
        reg_loss: summed regression loss (DIoU).
        normalizer: the normaliser value this term divides by.
        loss_weight: w in final = cls + w·reg; <= 0: cls.detach() / max(reg, 0.01).
        num_pos: number of positive points; valid_mask, pos_mask: bool [B, P].

    Returns:
        the term's :class:`LossTerms` (``normalizers`` = (normalizer,)).
    """
    cls_loss = cls_sum / normalizer
    if num_pos == 0:
        reg = 0 * pred_offsets.sum()
    else:
        reg = reg_loss(pred_offsets, target_offsets) / normalizer
    weight: float | Tensor = loss_weight
    if loss_weight <= 0:
        weight = cls_loss.detach() / max(reg.item(), 0.01)
    return LossTerms(
        cls_loss=cls_loss, reg_loss=reg, reg_weight=weight, num_pos=num_pos,
        valid_mask=valid_mask, pos_mask=pos_mask, normalizers=(normalizer,),
    )


@dataclass(frozen=True)
class MixedLossTerms:
    """mix[0]·refined + mix[1]·pre, for each of cls, reg and final (official forward).

    Attributes:
        refined: the term on the refined outputs; pre: the term on the unrefined outputs.
        mix: (refined weight, pre weight).
    """

    refined: LossTerms
    pre: LossTerms
    mix: tuple[float, float]

    def _mixed(self, a: Tensor, b: Tensor) -> Tensor:
        return self.mix[0] * a + self.mix[1] * b

    @property
    def cls_loss(self) -> Tensor:
        return self._mixed(self.refined.cls_loss, self.pre.cls_loss)

    @property
    def reg_loss(self) -> Tensor:
        """Mixed regression loss, unweighted (the official ``reg_loss``)."""
        return self._mixed(self.refined.reg_loss, self.pre.reg_loss)

    @property
    def final_loss(self) -> Tensor:
        return self._mixed(self.refined.final_loss, self.pre.final_loss)

    @property
    def weighted_reg_loss(self) -> Tensor:
        """Mixed w·reg, so that cls_loss + weighted_reg_loss = final_loss."""
        return self._mixed(
            self.refined.reg_loss * self.refined.reg_weight, self.pre.reg_loss * self.pre.reg_weight
        )

    @property
    def num_pos(self) -> int:
        return self.refined.num_pos

    @property
    def valid_mask(self) -> Tensor:
        return self.refined.valid_mask

    @property
    def pos_mask(self) -> Tensor:
        return self.refined.pos_mask

    @property
    def normalizers(self) -> tuple[float, ...]:
        return self.refined.normalizers + self.pre.normalizers

    def log_dict(self) -> dict[str, Tensor]:
        """The mmengine loss dict: ``loss_cls`` + ``loss_reg`` sum to the official final loss;
        the other keys (no 'loss' in them) are only logged."""
        device = self.refined.cls_loss.device
        return {
            "loss_cls": self.cls_loss,
            "loss_reg": self.weighted_reg_loss,
            "num_pos": torch.tensor(float(self.num_pos), device=device),
            "refined_cls": self.refined.cls_loss.detach(),
            "refined_reg": self.refined.reg_loss.detach(),
            "pre_cls": self.pre.cls_loss.detach(),
            "pre_reg": self.pre.reg_loss.detach(),
        }
