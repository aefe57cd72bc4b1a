"""Console progress for batch mode: a step bar per epoch (on a terminal) and a line per epoch.

The bar goes to stderr and only when it is a terminal, so logs and CI output hold just the
epoch lines.
"""

from __future__ import annotations

import sys
from typing import TextIO

from app.core.engine import Callback, EpochEnd, Notice, Paused, RunFinished, RunStarted, StepEnd


class ConsoleProgress(Callback):
    def __init__(self, label: str, out: TextIO | None = None) -> None:
        self.label = label
        self.out: TextIO | None = out or sys.stdout
        self._bar = None
        self._total_epochs = 0

    def on_run_start(self, event: RunStarted) -> None:
        self._total_epochs = event.total_epochs
        resumed = f", resuming after epoch {event.start_epoch}" if event.start_epoch else ""
        amp = ", mixed precision" if event.mixed_precision else ""
        self._print(f"{self.label}: {event.parameters:,} parameters on {event.device}{amp}; "
                    f"{event.train_samples:,} train / {event.val_samples:,} val / "
                    f"{event.test_samples:,} test samples{resumed}")

    def on_step_end(self, event: StepEnd) -> None:
        bar = self._ensure_bar(event)
        if bar is not None:
            bar.update(event.step - bar.n)
            bar.set_postfix(loss=f"{event.loss:.4f}", refresh=False)

    def on_epoch_end(self, event: EpochEnd) -> None:
        self._close_bar()
        width = len(str(event.total_epochs))
        parts = [f"  epoch {event.epoch:>{width}}/{event.total_epochs}",
                 f"train loss {event.train_loss:.4f} acc {event.train_accuracy:6.2%}"]
        if event.val_loss is not None:
            parts.append(f"val loss {event.val_loss:.4f} acc {event.val_accuracy:6.2%}")
        parts.append(f"{event.seconds:5.1f}s")
        if event.is_best:
            parts.append("* best")
        self._print("  ".join(parts))

    def on_paused(self, event: Paused) -> None:
        self._print("  paused" if event.paused else "  resumed")

    def on_notice(self, event: Notice) -> None:
        self._print(f"  note: {event.text}")

    def on_run_end(self, event: RunFinished) -> None:
        self._close_bar()
        line = f"  {event.status}"
        if event.test_metrics and event.test_metrics.get("accuracy") is not None:
            metrics = event.test_metrics
            line += (f": test accuracy {metrics['accuracy']:.2%}, "
                     f"macro F1 {metrics['macro_f1']:.3f}")
        line += f" in {event.wall_seconds:.1f}s"
        if event.message:
            line += f" ({event.message})"
        self._print(line)
        if event.health:
            self._print(f"  warning: {event.health}: the best validation accuracy never beat "
                        "always answering the most frequent class; try another learning rate "
                        "or model, and check the labels")

    def _ensure_bar(self, event: StepEnd):  # noqa: ANN202 - tqdm is optional at import
        if self._bar is None and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=event.steps_per_epoch, leave=False, unit="step",
                             desc=f"  epoch {event.epoch}/{self._total_epochs}", file=sys.stderr)
        return self._bar

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _print(self, text: str) -> None:
        """Progress is a courtesy: a closed pipe (``| head``) must not fail the run."""
        if self.out is None:
            return
        try:
            print(text, file=self.out, flush=True)
        except OSError:  # BrokenPipeError and friends: the reader went away
            self.out = None
