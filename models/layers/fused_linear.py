"""1×1 convolution + GELU in one oneDNN call for inference on CPU.

In the feed-forward blocks (ActionFormer's MLP, TriDet's SGP FFN) the hidden activation is
the largest tensor of the block; computing GELU in the GEMM epilogue saves a full pass over it
and the bias copy of ``addmm``. The fused oneDNN kernel has no autograd formula, so it runs
only when no gradient is needed; training keeps ``conv1x1`` + ``F.gelu``. Results equal the
unfused ones up to float rounding (oneDNN's GEMM and erf).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from models.layers.depthwise import cpu_autocast
from models.layers.masked_conv import conv1x1

_FUSED_OK = [hasattr(torch.ops.mkldnn, "_linear_pointwise")]  # cleared after a failure


def _fused_applicable(x: Tensor, conv: nn.Conv1d) -> bool:
    return (
        _FUSED_OK[0]
        and x.device.type == "cpu"
        and x.dtype == torch.float32
        and not cpu_autocast()
        and not (torch.is_grad_enabled() and (x.requires_grad or conv.weight.requires_grad))
        and x.transpose(1, 2).is_contiguous()
    )


def conv1x1_gelu(x: Tensor, conv: nn.Conv1d) -> Tensor:
    """GELU(conv(x)) (exact erf GELU) for a kernel-1 ``nn.Conv1d``.

    Args:
        x: float [B, C_in, T] (time-major for the fused path).
        conv: ``nn.Conv1d`` with kernel size 1, stride 1, groups 1.

    Returns:
        float [B, C_out, T] (time-major).
    """
    if _fused_applicable(x, conv):
        B, c_in, T = x.shape
        try:
            out = torch.ops.mkldnn._linear_pointwise(
                x.transpose(1, 2).reshape(B * T, c_in), conv.weight.squeeze(-1), conv.bias,
                "gelu", [], "none",
            )  # [B·T, C_out]
            return out.view(B, T, -1).transpose(1, 2)  # [B, C_out, T]
        except (RuntimeError, TypeError):  # op missing or changed in this torch build
            _FUSED_OK[0] = False
    return F.gelu(conv1x1(x, conv))
