"""The THUMOS I3D TriDet has exactly the official state-dict layout (reference §A)."""

from __future__ import annotations


def _tsv_rows(path):
    rows = [line.split("\t") for line in path.read_text().splitlines() if not line.startswith("#")]
    return rows[1:]  # drop the header


def test_layout_matches_official_tsv(golden, td_thumos_model):
    rows = _tsv_rows(golden / "tridet_thumos_i3d.state_dict.tsv")
    state = td_thumos_model.state_dict()
    assert len(rows) == len(state) == 192
    assert [r[0] for r in rows] == list(state)  # same keys, same order
    for key, shape, dtype, numel, kind in rows:
        t = state[key]
        assert ("x".join(map(str, t.shape)) or "scalar") == shape, key
        assert str(t.dtype).replace("torch.", "") == dtype and t.numel() == int(numel)
        assert kind == "parameter"
    assert sum(p.numel() for p in td_thumos_model.parameters()) == 15_989_604
    buffers = {name for name, _ in td_thumos_model.named_buffers()}
    assert not buffers & set(state)  # point buffers are non-persistent


def test_sgp_details_in_the_layout(td_thumos_model):
    state = td_thumos_model.state_dict()
    # stem blocks: kernel 1; convkw round((1 + 1)·5) = 10 -> 11; no drop path in the stem
    assert state["backbone.stem.0.convw.weight"].shape == (512, 1, 1)
    assert state["backbone.stem.1.convkw.weight"].shape == (512, 1, 11)
    assert "backbone.stem.0.drop_path_out.scale" not in state
    assert "backbone.branch.4.drop_path_mlp.scale" in state
    assert state["backbone.branch.0.gn.weight"].shape == (512,)
    assert state["reg_head.offset_head.conv.weight"].shape == (34, 512, 3)
