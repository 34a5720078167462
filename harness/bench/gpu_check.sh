#!/usr/bin/env bash
# GPU check of the harness on one CUDA device (run from the repository root):
#   1. parity of the three detectors on CUDA against the official CPU reference vectors;
#   2. `bench --only models --device cuda` (fp32 and AMP fp16 training step and inference);
#   3. synthetic training on CUDA: each method once, ActionFormer a second time (same seed:
#      is CUDA training deterministic under the harness's settings?) and once with --amp.
# Writes JSON under $OUT (default ./gpu_check); prints a summary last.
set -u
OUT=${OUT:-gpu_check}
mkdir -p "$OUT"
PY=${PY:-python3}
export PYTHONUNBUFFERED=1

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
$PY -c "import torch, mmengine; print('torch', torch.__version__, 'mmengine', mmengine.__version__, torch.cuda.get_device_name())"

for m in actionformer tridet cltdr_gmg; do
    $PY -m harness parity "tests/golden/reference/${m}_small_seed0.pt" --device cuda --failed-only \
        --json "$OUT/parity_${m}.json" > "$OUT/parity_${m}.txt" 2>&1
    echo "parity $m on cuda: exit $? ($(tail -1 "$OUT/parity_${m}.txt"))"
done

$PY -m harness bench --only models --device cuda --json "$OUT/bench_cuda.json" > "$OUT/bench_cuda.txt" 2>&1
echo "bench exit $?"

RUNS=${RUNS:-/tmp/gpu_check_runs}
train() {  # name config extra-args...
    local name=$1 cfg=$2; shift 2
    $PY -m harness train "harness/configs/$cfg/synthetic_thumos_like.py" --seed 0 \
        --work-dir "$RUNS/$name" --overwrite "$@" > "$OUT/train_${name}.log" 2>&1
    echo "train $name: exit $?"
}
train actionformer actionformer
train actionformer_again actionformer
train actionformer_amp actionformer --amp
train tridet tridet
train cltdr_gmg cltdr_gmg

$PY - "$RUNS" "$OUT" <<'EOF'
import json, sys
from pathlib import Path
runs, out = Path(sys.argv[1]), Path(sys.argv[2])
summary = {}
for rec in sorted(runs.glob("*/record.json")):
    r = json.loads(rec.read_text())
    summary[rec.parent.name] = {k: r.get(k) for k in ("status", "average_mAP", "mAP", "wall_time_s", "error")}
    summary[rec.parent.name]["device"] = r["manifest"]["device"]
(out / "train_summary.json").write_text(json.dumps(summary, indent=1))
for name, s in summary.items():
    print(f"{name:20s} {s['status']:6s} {s['device']:6s} avg mAP {s['average_mAP']!r} wall {s['wall_time_s']} s")
a, b = summary.get("actionformer"), summary.get("actionformer_again")
if a and b:
    print("same seed twice on CUDA identical:", a["mAP"] == b["mAP"])
EOF
grep -E "cuda|peak" "$OUT/bench_cuda.txt" | cut -c1-160
