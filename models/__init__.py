"""Shared building blocks of the three detectors, and CLTDR-GMG (:mod:`models.cltdr_gmg`)."""
