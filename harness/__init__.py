"""tal-harness: reproducibility harness for temporal action localization.

The package is also the mmengine scope ``harness`` (see :mod:`harness.registry`).
"""

__version__ = "0.1.0"
