"""Shared building blocks of the three detectors, and CLTDR-GMG (:mod:`models.cltdr_gmg`).

Importing the package registers the swap points (encoders, necks, heads, assigners, losses,
detectors) in the ``harness`` registries.
"""

from models import (  # noqa: F401
    assigners,
    cltdr_gmg,
    detectors,
    encoders,
    heads,
    layers,
    losses,
    necks,
    postprocess,  # noqa: F401
    priors,
)
