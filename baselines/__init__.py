"""Baselines composed from :mod:`models`: ActionFormer and TriDet."""
