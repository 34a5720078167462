"""The epoch-based training loop of the harness: optional per-epoch test curve, exact resume.

``TALTrainLoop`` is mmengine's ``EpochBasedTrainLoop`` with one switch instead of
``val_begin``/``val_interval``:

- ``record_test_curve=False`` (default): no evaluation during training; the train command
  evaluates the last epoch's EMA model on the test split once training ends (the result).
- ``record_test_curve=True``: the validation loader (the test split for THUMOS-type data) is
  evaluated after every epoch from ``curve_begin`` (0-based; default ``(max_epochs - 5) // 2``,
  the official CLTDR-GMG rule) on. :class:`harness.hooks.TestCurveHook` records the numbers.

Evaluating is a pure observation: the global random generators are saved before each
evaluation and restored after it (a DataLoader draws its base seed from the global torch
generator), so a run with the curve trains exactly as the same run without it.

``validate_last_epoch = False`` (an attribute, set by ``python -m harness train`` when the
validation and test loaders and evaluators are the same split) skips the last epoch's
validation: the test run right after training evaluates the same model on the same data, and
its result is recorded as the last point of the curve, so the split is evaluated once.

Checkpoints are written at the end of an epoch, before that epoch's evaluation. A resumed run
therefore repeats the evaluation of the epoch it resumes from (when that epoch is on the
curve) before training on, so that the curve has every epoch.
"""

from __future__ import annotations

from mmengine.runner import EpochBasedTrainLoop

from harness.errors import ConfigError
from harness.hooks.exact_resume import get_rng_state, set_rng_state
from harness.registry import LOOPS


def curve_begin_epoch(max_epochs: int) -> int:
    """0-based first evaluated epoch of the official CLTDR-GMG loop: (max_epochs - 5) // 2."""
    return max(0, (max_epochs - 5) // 2)


@LOOPS.register_module()
class TALTrainLoop(EpochBasedTrainLoop):
    """Epoch-based training with an optional per-epoch evaluation curve.

    Args:
        runner: the runner.
        dataloader: the training loader (or its config).
        max_epochs: total epochs (warm-up included).
        record_test_curve: evaluate every epoch from ``curve_begin`` on.
        curve_begin: 0-based first evaluated epoch; None: ``(max_epochs - 5) // 2``.
    """

    def __init__(
        self,
        *,
        runner,
        dataloader,
        max_epochs: int,
        record_test_curve: bool = False,
        curve_begin: int | None = None,
    ) -> None:
        begin = curve_begin_epoch(max_epochs) if curve_begin is None else int(curve_begin)
        if not 0 <= begin < max_epochs:
            raise ConfigError(f"train_cfg.curve_begin must lie in [0, {max_epochs}), got {begin}")
        self.record_test_curve = bool(record_test_curve)
        self.curve_begin = begin
        self.validate_last_epoch = True
        # mmengine validates after epoch e (0-based) when e + 1 >= val_begin
        val_begin = begin + 1 if self.record_test_curve else max_epochs + 1
        super().__init__(runner, dataloader, max_epochs, val_begin=val_begin, val_interval=1)

    def _should_validate(self) -> bool:
        return (
            self.record_test_curve
            and self.runner.val_loop is not None
            and self._epoch >= self.val_begin
            and (self.validate_last_epoch or self._epoch < self._max_epochs)
        )

    def _validate(self) -> None:
        """Run the validation loop without touching the training's random draws."""
        state = get_rng_state()
        try:
            self.runner.val_loop.run()
        finally:
            set_rng_state(state)

    def run(self):
        """Train; after a resume, first repeat the resumed epoch's evaluation if due."""
        self.runner.call_hook("before_train")
        if self._epoch > 0 and self._should_validate():
            self._validate()
        while self._epoch < self._max_epochs and not self.stop_training:
            self.run_epoch()
            if self._should_validate():
                self._validate()
        self.runner.call_hook("after_train")
        return self.runner.model
