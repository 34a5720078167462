#!/usr/bin/env bash
# System tools the report tests use for real: pdflatex (+ booktabs, siunitx, fonts), pdftotext /
# pdfinfo, and headless Chromium. Idempotent: installs nothing when every tool is present.
# Non-interactive, --no-install-recommends. Without root and without password-less sudo it only
# prints what is missing and exits 0 (the report tests then fail with a clear message unless
# TAL_ALLOW_MISSING_TOOLS=1 is set).
set -euo pipefail

PACKAGES=(texlive-latex-base texlive-latex-recommended texlive-science texlive-fonts-recommended
          poppler-utils chromium)

missing=()
for tool in pdflatex pdftotext pdfinfo chromium kpsewhich; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if command -v kpsewhich >/dev/null 2>&1; then
    for sty in booktabs.sty siunitx.sty etoolbox.sty mathptmx.sty amssymb.sty; do
        [ -n "$(kpsewhich "$sty" 2>/dev/null)" ] || missing+=("$sty")
    done
fi
if [ ${#missing[@]} -eq 0 ]; then
    echo "system-deps: pdflatex, LaTeX packages, pdftotext and chromium are present"
    exit 0
fi
echo "system-deps: missing: ${missing[*]}"

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "system-deps: not root and no password-less sudo; skipping the installation."
    echo "system-deps: install as root: apt-get install --no-install-recommends ${PACKAGES[*]}"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: apt-get not found; install ${PACKAGES[*]} with the system's package manager"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
echo "system-deps: installed ${PACKAGES[*]}"
