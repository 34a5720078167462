"""The speed switch (models.detectors.compile): options, plumbing, and parity when compiled."""

from __future__ import annotations

import copy

import pytest
import torch

from harness.errors import ConfigError
from models.detectors.compile import compile_options, compiled_network, enable_compile

TINY_TRIDET = dict(
    input_dim=8, num_classes=3, max_seq_len=32, sgp_mlp_dim=24, backbone_arch=(2, 2, 2),
    regression_range=[(0, 4), (4, 8), (8, 10000)], n_sgp_win_size=1, k=5, embd_dim=16,
    fpn_dim=16, head_dim=16, num_bins=4, iou_weight_power=0.2,
)


def test_switch_values():
    assert compile_options(None) is None and compile_options(False) is None
    assert compile_options(True) == {}
    assert compile_options({"mode": "max-autotune", "dynamic": False}) == {"mode": "max-autotune", "dynamic": False}
    with pytest.raises(ConfigError, match="unknown keys"):
        compile_options({"fast": True})
    with pytest.raises(ConfigError, match="torch_compile must be"):
        compile_options("yes")


def _tiny_tridet():
    from baselines.tridet import from_official_config

    torch.manual_seed(0)
    return from_official_config(TINY_TRIDET)


def test_switch_keeps_keys_and_survives_deepcopy():
    model = _tiny_tridet()
    keys = list(model.state_dict())
    assert enable_compile(model, {"backend": "eager"}) == {"backend": "eager"}
    assert list(model.state_dict()) == keys  # checkpoints unchanged
    ema = copy.deepcopy(model)
    assert ema.compile_options == {"backend": "eager"}
    with pytest.raises(ConfigError, match="network"):
        enable_compile(torch.nn.Linear(2, 2), True)


def test_compiled_path_runs_through_dynamo_and_keeps_values():
    """backend='eager' traces with dynamo but runs the same ops: identical outputs, and the
    EMA-style copy evaluates with its own weights, not the original's."""
    model = _tiny_tridet().eval()
    x = torch.randn(2, 8, 32)
    m = (torch.arange(32)[None] < torch.tensor([32, 20])[:, None])[:, None]
    with torch.no_grad():
        plain = model._forward(x, m)
        enable_compile(model, {"backend": "eager"})
        fast = model._forward(x, m)
        copy_ = copy.deepcopy(model)
        with torch.no_grad():
            for p in copy_.parameters():
                p.add_(0.1)
        other = copy_._forward(x, m)
    for a, b in zip(plain.cls_logits + plain.reg_offsets, fast.cls_logits + fast.reg_offsets):
        assert torch.equal(a, b)
    assert not torch.equal(other.cls_logits[0], fast.cls_logits[0])
    assert compiled_network({"backend": "eager"}) is compiled_network({"backend": "eager"})


def _inductor_works() -> bool:
    try:
        fn = torch.compile(lambda t: torch.relu(t) * 2 + 1)
        return bool(torch.equal(fn(torch.arange(-2.0, 3.0)), torch.tensor([1.0, 1.0, 1.0, 3.0, 5.0])))
    except Exception:  # noqa: BLE001  no C++ compiler, unsupported platform, ...
        return False


@pytest.mark.slow
@pytest.mark.compile
def test_tridet_parity_holds_with_the_switch_on(golden):
    """The whole official TriDet parity file (train pass, gradients, eval passes) with the
    network compiled by inductor: fused kernels change rounding only."""
    if not _inductor_works():
        pytest.skip("torch.compile (inductor) cannot compile on this machine")
    from harness.parity import load_reference, run_parity_blob

    report = run_parity_blob(load_reference(golden / "tridet_small_seed0.pt"), "tridet", torch_compile=True)
    assert report.ok, [(r.name, r.max_abs) for r in report.failed]
    assert len(report.rows) == 315
