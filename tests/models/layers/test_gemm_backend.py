"""CPU GEMM backend choice (MKL on Intel, oneDNN on AMD) and equal results on both."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from harness.parity import run_parity
from models.layers import onednn
from models.layers.fast_conv import conv1d_fast, is_time_major, linear_time_major, to_taps_layout
from models.layers.winograd import WinogradConv1d

BACKENDS = ["mkl", "onednn"]


def test_auto_picks_by_vendor_and_env_overrides(monkeypatch):
    monkeypatch.delenv("TAL_GEMM_BACKEND", raising=False)
    for vendor, expected in (("AuthenticAMD", True), ("GenuineIntel", False), ("", False)):
        monkeypatch.setattr(onednn, "cpu_vendor", lambda v=vendor: v)
        assert onednn.use_onednn() is expected
    monkeypatch.setenv("TAL_GEMM_BACKEND", "onednn")
    assert onednn.use_onednn()
    monkeypatch.setenv("TAL_GEMM_BACKEND", "mkl")
    assert not onednn.use_onednn()
    monkeypatch.setenv("TAL_GEMM_BACKEND", "openblas")
    with pytest.raises(ValueError, match="TAL_GEMM_BACKEND"):
        onednn.use_onednn()


@pytest.mark.parametrize("backend", BACKENDS)
def test_layers_equal_the_plain_ops_on_both_backends(monkeypatch, backend):
    monkeypatch.setenv("TAL_GEMM_BACKEND", backend)
    g = torch.Generator().manual_seed(3)
    x_tm = torch.randn(2, 16, 12, generator=g).transpose(1, 2).requires_grad_()  # [B, C, T] time-major
    x_cm = torch.randn(2, 12, 16, generator=g).requires_grad_()  # channel-major
    w, b = torch.randn(7, 12, generator=g), torch.randn(7, generator=g)
    y = linear_time_major(x_tm, w, b)
    torch.testing.assert_close(y, F.conv1d(x_tm, w[:, :, None], b), rtol=1e-5, atol=1e-5)
    assert is_time_major(y)
    conv = torch.nn.Conv1d(12, 9, 3, padding=1)
    for x in (x_tm, x_cm):
        out = conv1d_fast(x, conv)
        torch.testing.assert_close(out, conv(x), rtol=1e-5, atol=1e-5)
        assert is_time_major(out)
        gx, = torch.autograd.grad(out.square().sum(), x)
        rx, = torch.autograd.grad(conv(x).square().sum(), x)
        torch.testing.assert_close(gx, rx, rtol=1e-4, atol=1e-4)
    wt = torch.nn.Parameter(to_taps_layout(torch.randn(8, 12, 3, generator=g)))
    xw = torch.randn(2, 16, 12, generator=g, requires_grad=True)  # [B, T, C]
    out = WinogradConv1d.apply(xw, wt, None)
    ref = F.conv1d(xw.transpose(1, 2), wt, padding=1).transpose(1, 2)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-4)
    grads = torch.autograd.grad(out.square().sum(), [xw, wt])
    ref_grads = torch.autograd.grad(ref.square().sum(), [xw, wt])
    for a, e in zip(grads, ref_grads):
        torch.testing.assert_close(a, e, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_parity_holds_on_both_backends(golden, monkeypatch, backend):
    monkeypatch.setenv("TAL_GEMM_BACKEND", backend)
    report = run_parity(golden / "tridet_small_seed0.pt")
    assert report.ok, [r.name for r in report.failed][:5]


@pytest.mark.parametrize("backend", BACKENDS)
def test_resample_time_major_equals_the_modules(monkeypatch, backend):
    from models.layers.fast_conv import resample_time_major

    monkeypatch.setenv("TAL_GEMM_BACKEND", backend)
    torch.manual_seed(4)
    down = torch.nn.Conv1d(6, 6, 3, stride=2, padding=1)
    up = torch.nn.ConvTranspose1d(6, 6, 3, stride=2, padding=1, output_padding=1)
    for conv, t in ((down, 10), (up, 5)):
        x = torch.randn(2, t, 6).transpose(1, 2).requires_grad_()  # time-major
        out, ref = resample_time_major(x, conv), conv(x)
        torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-6)
        assert is_time_major(out)
        g = torch.randn_like(ref)
        got = torch.autograd.grad((out * g).sum(), [x, conv.weight])
        exp = torch.autograd.grad((ref * g).sum(), [x, conv.weight])
        for a, e in zip(got, exp):
            torch.testing.assert_close(a, e, rtol=1e-5, atol=1e-5)
        xc = x.detach().contiguous()  # channel-major: the module itself
        torch.testing.assert_close(resample_time_major(xc, conv), conv(xc))


def test_shared_weight_transforms_recompute_after_an_update():
    from models.layers import winograd

    w = torch.nn.Parameter(torch.randn(4, 5, 3))
    assert winograd._transformed_weight(w) is not winograd._transformed_weight(w)  # no cache outside
    with winograd.shared_weight_transforms():
        u1 = winograd._transformed_weight(w)
        assert winograd._transformed_weight(w) is u1  # shared within the block
        with torch.no_grad():
            w.mul_(2.0)  # in-place update: version changes
        u2 = winograd._transformed_weight(w)
        assert u2 is not u1
        torch.testing.assert_close(u2, 2 * u1)
    assert winograd._CACHE[0] is None
