"""CPU kernels of the shared layers, each fast path beside the plain PyTorch call it replaces.

THUMOS14 I3D sizes (batch 2, T 2304, C 512, input 2048), 2 torch threads, medians of
forward + backward (``fwd+bwd``) or of the no-grad forward (``infer``). The ratio in each
row's note is fast / plain in the same run (the machines are shared; compare ratios, not
absolute times). ``python -m harness bench --only layers``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NAME = "layers"
DESCRIPTION = "fast CPU paths of the shared layers vs the plain PyTorch calls (THUMOS sizes)"

THREADS = 2
B, T, C, C_IN = 2, 2304, 512, 2048


def _fwd_bwd(fn: Callable[[Any], Any], x: Any, grad: Any) -> Callable[[], None]:
    def run() -> None:
        xx = x.detach().requires_grad_(x.requires_grad)
        fn(xx).backward(grad)

    return run


def _cases() -> list[tuple[str, str, Callable[[], None], Callable[[], None]]]:
    """(case, mode, plain, fast) closures."""
    import torch
    import torch.nn.functional as F

    from models.layers.depthwise import depthwise_conv1d
    from models.layers.fast_conv import conv1d_fast, to_taps_layout
    from models.layers.fused_linear import conv1x1_gelu
    from models.layers.group_norm import group_norm_1d
    from models.layers.masked_conv import conv1x1

    g = torch.Generator().manual_seed(0)

    def tm(c: int) -> Any:  # time-major [B, c, T]
        return torch.randn(B, T, c, generator=g).transpose(1, 2)

    head = torch.nn.Conv1d(C, C, 3, padding=1, bias=False)
    head.weight = torch.nn.Parameter(to_taps_layout(head.weight.detach()))
    embd = torch.nn.Conv1d(C_IN, C, 3, padding=1, bias=False)
    embd_plain = torch.nn.Conv1d(C_IN, C, 3, padding=1, bias=False)
    embd_plain.weight = torch.nn.Parameter(embd.weight.detach().clone())
    embd.weight = torch.nn.Parameter(to_taps_layout(embd.weight.detach()))
    dw = torch.nn.Conv1d(C, C, 11, padding=5, groups=C)
    gn = torch.nn.GroupNorm(16, C)
    fc = torch.nn.Conv1d(C, 4 * C, 1)
    x_head, x_embd, grad = tm(C).requires_grad_(), torch.randn(B, C_IN, T, generator=g), tm(C)

    def dw_plain(x: Any) -> Any:
        return F.conv2d(x.unsqueeze(2), dw.weight.unsqueeze(2), dw.bias, padding=(0, 5),
                        groups=C).squeeze(2)

    def no_grad(fn: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            with torch.no_grad():
                fn()
        return run

    x_fc = tm(C)
    return [
        ("head conv k3 512→512 (Winograd)", "fwd+bwd",
         _fwd_bwd(lambda x: conv1d_fast(x, head), x_head, grad),
         _fwd_bwd(lambda x: conv1d_fast(x, head, winograd=True), x_head, grad)),
        ("embd conv k3 2048→512 (in place)", "fwd+bwd(w)",
         _fwd_bwd(embd_plain, x_embd, grad), _fwd_bwd(lambda x: conv1d_fast(x, embd), x_embd, grad)),
        ("depthwise k11 512 (custom bwd)", "fwd+bwd",
         _fwd_bwd(dw_plain, x_head, grad), _fwd_bwd(lambda x: depthwise_conv1d(x, dw.weight, dw.bias),
                                                  x_head, grad)),
        ("GroupNorm 16×512 (channels-last)", "fwd+bwd",
         _fwd_bwd(gn, x_head, grad), _fwd_bwd(lambda x: group_norm_1d(x, gn), x_head, grad)),
        ("1×1 512→2048 + GELU (fused)", "infer",
         no_grad(lambda: F.gelu(conv1x1(x_fc, fc))), no_grad(lambda: conv1x1_gelu(x_fc, fc))),
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    import torch

    from harness.bench import median_time

    before = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    repeats = 3 if quick else 9
    rows: list[dict[str, Any]] = []
    try:
        for case, mode, plain, fast in _cases():
            t_plain = median_time(plain, repeats=repeats, warmup=1)
            t_fast = median_time(fast, repeats=repeats, warmup=1)
            for label, value in (("plain", t_plain), ("fast", t_fast)):
                rows.append({
                    "benchmark": NAME, "case": case, "metric": f"{mode} {label}", "value": value,
                    "unit": "s", "note": f"fast/plain {t_fast / t_plain:.2f}",
                })
    finally:
        torch.set_num_threads(before)
    return rows
