"""Rendering of aggregated results (HTML, LaTeX, figures). Never imports torch."""
