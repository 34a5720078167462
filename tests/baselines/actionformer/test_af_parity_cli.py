"""``python -m harness parity``: exit 0 on the shared file, 1 when a tensor is off, 2 on bad input."""

from __future__ import annotations

import json

import torch

from harness.cli import main


def test_cli_passes_on_shared_file(golden, tmp_path, capsys):
    out = tmp_path / "parity.json"
    code = main(["parity", str(golden / "actionformer_small_seed0.pt"), "--json", str(out)])
    text = capsys.readouterr().out
    assert code == 0 and "PASS" in text and "grads.cls_head.cls_head.conv.weight" in text
    rep = json.loads(out.read_text())
    assert rep["ok"] and rep["kind"] == "actionformer" and rep["num_failed"] == 0
    assert {"name", "max_abs_err", "max_rel_err", "tolerance", "ok"} <= set(rep["rows"][0])


def test_cli_fails_on_one_perturbed_tensor(af_blob, tmp_path, capsys):
    blob = dict(af_blob)
    outputs = {**blob["outputs"], "train": dict(blob["outputs"]["train"])}
    logits = list(outputs["train"]["cls_logits"])
    logits[2] = logits[2].clone()
    logits[2][0, 1, 3] += 1e-3
    outputs["train"]["cls_logits"] = logits
    blob["outputs"] = outputs
    path = tmp_path / "perturbed.pt"
    torch.save(blob, path)
    code = main(["parity", str(path), "--failed-only"])
    text = capsys.readouterr().out
    assert code == 1 and "outputs.train.cls_logits[2]" in text and "FAIL" in text
    assert "cls_logits[1]" not in text  # --failed-only


def test_cli_bad_inputs_exit_2(tmp_path, capsys):
    bogus = tmp_path / "bogus.pt"
    bogus.write_bytes(b"not a torch file")
    assert main(["parity", str(bogus)]) == 2
    torch.save({"model": "nosuchmodel", "config": {}, "state_dict": {}, "inputs": {},
                "outputs": {}}, tmp_path / "unknown.pt")
    assert main(["parity", str(tmp_path / "unknown.pt")]) == 2
    err = capsys.readouterr().err
    assert "nosuchmodel" in err and err.count("\n") == 2


def test_cli_device_cpu_passes_and_cuda_without_a_gpu_exits_2(golden, capsys):
    path = str(golden / "actionformer_small_seed0.pt")
    assert main(["parity", path, "--device", "cpu", "--failed-only"]) == 0
    assert "on cpu" in capsys.readouterr().out
    if not torch.cuda.is_available():
        assert main(["parity", path, "--device", "cuda"]) == 2
        err = capsys.readouterr().err
        assert "no CUDA device" in err and err.count("\n") == 1


def test_to_device_moves_every_tensor_and_keeps_the_structure():
    from harness.parity import to_device

    tree = {"a": [torch.ones(2), (torch.zeros(1), 3)], "b": "text", "c": {"d": torch.ones(1)}}
    out = to_device(tree, "meta")
    assert out["a"][0].device.type == "meta" and out["a"][1][0].device.type == "meta"
    assert isinstance(out["a"][1], tuple) and out["a"][1][1] == 3 and out["b"] == "text"
    assert out["c"]["d"].device.type == "meta"
