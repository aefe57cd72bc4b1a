"""Parameter counts for the palette, computed on the thread pool.

A count depends on the data (class count; image channels; the vocabulary a run would build);
the core's ``model_inputs`` derives those the way a run does. ``describe`` imports torch, so
everything here runs through ``run_in_background``; results carry a generation number and
stale ones (the dataset or settings changed meanwhile) are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.core.datasets import Dataset
from app.core.errors import ModelDeskError
from app.core.palette import ArchitectureSpec, ModelSummary, describe
from app.core.runs import ModelInputs, inputs_key, model_inputs
from app.gui.workers import run_in_background


def describe_for(spec: ArchitectureSpec, facts: ModelInputs,
                 options: Mapping[str, Any] | None = None,
                 image_size: int | None = None) -> ModelSummary | ModelDeskError:
    """``describe`` for the data, or the error saying why these settings cannot build the
    model (it names the fields at fault). Imports torch: call it on the thread pool."""
    try:
        return describe(spec, facts.num_classes, in_channels=facts.in_channels,
                        image_size=image_size if spec.kind == "image" else None,
                        vocab_size=facts.vocab_size, **dict(options or {}))
    except ModelDeskError as error:
        return error


class SizeEstimator(QObject):
    """Counts parameters for the palette cards and for the selected, configured model.

    ``card_ready(name, result)`` and ``selected_ready(result)`` carry a ``ModelSummary`` or,
    when the model cannot be built with those settings, the error (or message) saying why.
    """

    card_ready = Signal(str, object)
    selected_ready = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._facts_key: tuple | None = None
        self._facts: ModelInputs | None = None
        self._specs: tuple[ArchitectureSpec, ...] = ()
        self._selected: tuple | None = None  # (spec, options, image_size) awaiting facts
        self._request = 0

    def refresh(self, dataset: Dataset | None, values: Mapping[str, Any],
                specs: Sequence[ArchitectureSpec]) -> bool:
        """Recount the cards if the data facts changed; True when a count was started."""
        key = inputs_key(dataset, values) if dataset is not None else None
        if key == self._facts_key and tuple(specs) == self._specs:
            return False
        self._generation += 1
        self._facts_key, self._facts, self._specs = key, None, tuple(specs)
        if dataset is None:
            return False
        generation = self._generation
        snapshot = dict(values)
        run_in_background(self, lambda: model_inputs(dataset, snapshot),
                          lambda facts: self._on_facts(generation, facts),
                          lambda message: self._on_facts_failed(generation, message))
        return True

    def count_selected(self, spec: ArchitectureSpec, options: Mapping[str, Any],
                       image_size: int | None) -> None:
        """Count the model as configured; waits for the data facts if they are pending."""
        self._selected = (spec, dict(options), image_size)
        if self._facts is not None:
            self._start_selected()

    # ------------------------------------------------------------------------ handlers
    def _on_facts(self, generation: int, facts: ModelInputs) -> None:
        if generation != self._generation:
            return
        self._facts = facts
        for spec in self._specs:
            self._describe(spec, facts, {}, None,
                           lambda result, n=spec.name: self.card_ready.emit(n, result))
        if self._selected is not None:
            self._start_selected()

    def _on_facts_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            for spec in self._specs:
                self.card_ready.emit(spec.name, message)

    def _start_selected(self) -> None:
        spec, options, image_size = self._selected
        self._selected = None
        self._request += 1
        request = self._request

        def deliver(result: object) -> None:
            if request == self._request:  # typing fast: only the newest count is shown
                self.selected_ready.emit(result)

        self._describe(spec, self._facts, options, image_size, deliver)

    def _describe(self, spec: ArchitectureSpec, facts: ModelInputs, options: dict[str, Any],
                  image_size: int | None, deliver: Any) -> None:
        generation = self._generation

        def done(result: object) -> None:
            if generation == self._generation:
                deliver(result)

        run_in_background(self, lambda: describe_for(spec, facts, options, image_size),
                          done, done, heavy=True)
