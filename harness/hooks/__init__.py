"""Runner hooks of the harness (side effects only: EMA, loss checks, resume state, curves).

Importing this package registers every hook in :data:`harness.registry.HOOKS`.
"""

from harness.hooks.ema import ModelEMAHook
from harness.hooks.exact_resume import ExactResumeHook
from harness.hooks.nonfinite import NonFiniteLossError, NonFiniteLossHook
from harness.hooks.progress import ProgressHook
from harness.hooks.test_curve import TestCurveHook

__all__ = [
    "ExactResumeHook",
    "ModelEMAHook",
    "NonFiniteLossError",
    "NonFiniteLossHook",
    "ProgressHook",
    "TestCurveHook",
]
