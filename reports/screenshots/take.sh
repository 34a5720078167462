#!/usr/bin/env bash
# Screenshots of the report pages rendered from the committed aggregates (results/tables/):
# Table 1, 6, 9, 10 and the Claims page in headless Chromium, page 2 of the PDF via pdftoppm,
# downscaled to small palette PNGs in reports/screenshots/. Rendering only, no training.
# Run from the repository root:  bash reports/screenshots/take.sh
set -euo pipefail
PY=${PYTHON:-python}
BUILD=reports/build
SHOTS=reports/screenshots
$PY -m harness report table1 --aggregate never --no-params --out $BUILD/table1-synthetic --pdf
$PY -m harness report ablations --aggregate never --no-params --out $BUILD/ablations-synthetic --pdf
tmp=$(mktemp -d)
shoot() {  # page, name, height
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,$3 \
    --screenshot="$tmp/$2.png" "file://$PWD/$BUILD/$1" >/dev/null 2>&1
}
shoot table1-synthetic/table1.html table1 1500
shoot ablations-synthetic/table6.html table6 2300
shoot ablations-synthetic/table9.html table9 2300
shoot ablations-synthetic/table10.html table10 1900

pdftoppm -r 80 -f 2 -l 2 -png $BUILD/table1-synthetic/latex/report.pdf "$tmp/pdf-table1"
$PY - "$tmp" "$SHOTS" <<'PYEOF'
import sys
from pathlib import Path
from PIL import Image
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
for f in sorted(src.glob("*.png")):
    im = Image.open(f).convert("RGB")
    im = im.resize((700, round(im.height * 700 / im.width)), Image.LANCZOS)
    name = "pdf-table1.png" if f.name.startswith("pdf-table1") else f.name
    im.quantize(colors=64).save(dst / name, optimize=True)
    print(dst / name, (dst / name).stat().st_size // 1024, "KiB")
PYEOF
rm -rf "$tmp"
