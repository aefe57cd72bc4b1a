"""The status panel: progress, counters, ETA, throughput, device and memory of the active run.

Fed by the queue's events on the GUI thread. Memory use arrives in the engine's step and epoch
events (the training process measures it), so the window never imports torch to ask.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QProgressBar, QWidget

from app.core.engine import EpochEnd, RunStarted, StepEnd
from app.gui.pages._training_format import byte_size, duration, parameter_count, rate

RATE_SMOOTHING = 0.7  # weight of the past in the samples/s average behind the ETA


class StatusPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Status", parent)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.state_label = QLabel("idle")
        self.counter_label = QLabel("—")
        self.eta_label = QLabel("—")
        self.rate_label = QLabel("—")
        self.device_label = QLabel("—")
        self.memory_label = QLabel("—")
        self.memory_label.setToolTip("GPU: tensor memory allocated. CPU: resident memory of "
                                     "the ModelDesk process.")
        self.precision_label = QLabel("—")
        self.parameters_label = QLabel("—")
        form = QFormLayout(self)
        form.addRow(self.progress)
        for title, label in (("State", self.state_label), ("Progress", self.counter_label),
                             ("Time left", self.eta_label), ("Speed", self.rate_label),
                             ("Device", self.device_label), ("Memory", self.memory_label),
                             ("Mixed precision", self.precision_label),
                             ("Parameters", self.parameters_label)):
            form.addRow(title, label)
        self._run: RunStarted | None = None
        self.global_step = 0
        self.epoch = 0
        self._rate: float | None = None

    # ------------------------------------------------------------------------- events
    def start(self, event: RunStarted) -> None:
        self._run = event
        self.global_step = event.start_epoch * event.steps_per_epoch
        self.epoch = event.start_epoch
        self._rate = None
        self.progress.setRange(0, max(event.total_epochs * event.steps_per_epoch, 1))
        self.progress.setValue(self.global_step)
        self.state_label.setText("training" if event.start_epoch == 0
                                 else f"training (resumed after epoch {event.start_epoch})")
        self.device_label.setText(event.device)
        self.precision_label.setText("on" if event.mixed_precision else "off")
        self.parameters_label.setText(parameter_count(event.parameters,
                                                      event.trainable_parameters))
        self.eta_label.setText("estimating…")
        self.rate_label.setText("—")
        self.memory_label.setText("—")
        self._show_counters()

    def add_steps(self, steps: list[StepEnd]) -> None:
        if not steps or self._run is None:
            return
        for step in steps:
            rate_now = step.samples_per_second
            self._rate = rate_now if self._rate is None else (
                RATE_SMOOTHING * self._rate + (1 - RATE_SMOOTHING) * rate_now)
        last = steps[-1]
        self.epoch = last.epoch
        self.global_step = (last.epoch - 1) * last.steps_per_epoch + last.step
        self.progress.setValue(min(self.global_step, self.progress.maximum()))
        self._show_counters()
        self.rate_label.setText(rate(self._rate))
        self.eta_label.setText(duration(self._eta()))
        self._show_memory(last.memory_bytes)

    def add_epoch(self, event: EpochEnd) -> None:
        self.epoch = event.epoch
        self._show_counters()
        self._show_memory(event.memory_bytes)

    def set_paused(self, paused: bool) -> None:
        if self._run is not None:
            self.state_label.setText("paused" if paused else "training")

    def finish(self, status: str) -> None:
        """The run ended (any status, or it failed before training)."""
        self._run = None
        self.state_label.setText(status)
        self.eta_label.setText("—")
        if status == "completed":
            self.progress.setValue(self.progress.maximum())

    # ------------------------------------------------------------------------ helpers
    def _show_counters(self) -> None:
        run = self._run
        if run is None:
            return
        total_steps = run.total_epochs * run.steps_per_epoch
        self.counter_label.setText(f"epoch {max(self.epoch, 1)}/{run.total_epochs} · "
                                   f"step {self.global_step}/{total_steps}")

    def _eta(self) -> float | None:
        run = self._run
        if run is None or not self._rate:
            return None
        samples_per_step = run.train_samples / max(run.steps_per_epoch, 1)
        remaining = run.total_epochs * run.steps_per_epoch - self.global_step
        return remaining * samples_per_step / self._rate

    def _show_memory(self, used: int) -> None:
        if used:
            self.memory_label.setText(byte_size(used))
