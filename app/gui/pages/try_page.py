"""The Try it page: pick a catalog model, drop an image or type text, see the top-k classes.

Models are runs, and registered aliases ("churn @ production", listed first) that load the run
of the version the alias points at now (``_registry_try``).

Listing the runs (the catalog says which have a usable model), loading a model and
predicting all happen on the thread pool; each result is tagged with the request it answers
and dropped when a newer request has been made since (the user typed on, or picked another
model).

The combo starts on the newest usable model (row 0) whenever the list is re-read, unless the
user picked one (the combo's ``activated``, ``select_run``, ``select_model``) that still exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog, RunRecord
from app.core.models import USABLE_MODEL
from app.gui.colors import run_color
from app.gui.pages._compare_picker import color_swatch
from app.gui.pages._registry_try import AliasedModel, aliased_models
from app.gui.pages._try_explain import ExplanationPanel
from app.gui.pages._try_inputs import ImageInput, TextInput
from app.gui.pages._try_results import PredictionView
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.workers import run_in_background

DEFAULT_TOP_K = 3
RUN_LIMIT = 500
NO_RUNS = ("No trained models yet. Completed runs with saved weights appear here; train one "
           "on the Training page.")


def tryable_runs(catalog: Catalog) -> list[RunRecord]:
    """Completed runs with a usable model, newest first (background work)."""
    return catalog.list_runs(status="completed", has_artifact=USABLE_MODEL, sort="-created_at",
                             limit=RUN_LIMIT)


def run_title(run: RunRecord) -> str:
    accuracy = "" if run.test_accuracy is None else f", test acc {run.test_accuracy:.1%}"
    return f"#{run.id} {run.name} — {run.model}{accuracy}"


def _read_preview(path: str) -> QImage:
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    return reader.read()  # null when unreadable; the prediction then says why


class TryPage(QWidget):
    runs_listed = Signal(list)  # list[RunRecord] now in the combo
    model_loaded = Signal(object)  # Predictor
    predicted = Signal(object)  # tuple[ClassScore, ...] now shown
    prediction_failed = Signal(str)  # the message now shown

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.predictor = None
        self._runs: dict[str, RunRecord] = {}  # combo key ("run:3", "model:churn@production")
        self._image_path: str | None = None
        self._chosen_run: int | None = None  # the run loaded (or loading) into the predictor
        self._picked: str | None = None  # the combo key the user chose explicitly
        self._load_generation = 0
        self._request = 0
        self._build()
        state.runs_changed.connect(self._refresh_runs)
        state.registry_changed.connect(self._refresh_runs)
        state.catalog_changed.connect(self._on_catalog_changed)
        self._refresh_runs()

    # ----------------------------------------------------------------------------- layout
    def _build(self) -> None:
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(40)
        self.combo.currentIndexChanged.connect(self._on_run_selected)
        self.combo.activated.connect(lambda _index: self._remember_pick())
        self.top_k = QSpinBox()
        self.top_k.setRange(1, 10)
        self.top_k.setValue(DEFAULT_TOP_K)
        self.top_k.setToolTip("How many of the most probable classes to show")
        self.top_k.valueChanged.connect(lambda _k: self._predict())
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Model:"))
        bar.addWidget(self.combo, 1)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Show top"))
        bar.addWidget(self.top_k)
        bar.addWidget(QLabel("classes"))
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setStyleSheet("color: #555")

        self.image_input = ImageInput()
        self.image_input.image_chosen.connect(self.open_image)
        self.text_input = TextInput()
        self.text_input.text_settled.connect(lambda _text: self._predict())
        self.empty_label = QLabel(NO_RUNS)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.inputs = QStackedWidget()
        for widget in (self.empty_label, self.image_input, self.text_input):
            self.inputs.addWidget(widget)
        self.results = PredictionView()
        self.results.setMinimumWidth(340)
        results_frame = QFrame()
        results_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.explanation = ExplanationPanel()
        frame_layout = QVBoxLayout(results_frame)
        frame_layout.addWidget(self.results)
        frame_layout.addWidget(self.explanation, 1)
        body = QHBoxLayout()
        body.addWidget(self.inputs, 3)
        body.addWidget(results_frame, 2)

        layout = QVBoxLayout(self)
        title = QLabel("<h3>Try a model</h3>")
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(self.info_label)
        layout.addLayout(body, 1)

    # ----------------------------------------------------------------------------- public
    def select_run(self, run_id: int) -> bool:
        """Choose run ``run_id`` in the combo; ``False`` if it is not a tryable run."""
        return self._select(f"run:{int(run_id)}")

    def select_model(self, name: str, alias: str = "production") -> bool:
        """Choose "NAME @ ALIAS"; ``False`` if the registry has no such alias."""
        return self._select(f"model:{name}@{alias}")

    def current_run_id(self) -> int | None:
        """The run loaded for the current choice (an alias's version's run)."""
        run = self._runs.get(self.combo.currentData())
        return None if run is None else run.id

    def _select(self, key: str) -> bool:
        index = self.combo.findData(key)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._picked = key
        return index >= 0

    def open_image(self, path: str | Path) -> None:
        """Predict on an image file (drop, "Open image…", or a caller)."""
        self._image_path = str(path)
        self.image_input.file_label.setText(Path(path).name)
        self.image_input.file_label.setToolTip(str(path))
        self._predict()

    # ------------------------------------------------------------------------------ runs
    def _refresh_runs(self) -> None:
        catalog = self.state.catalog
        run_in_background(self, lambda: (tryable_runs(catalog), aliased_models(catalog)),
                          lambda found: self._on_runs_listed(*found), self.results.show_error)

    def _remember_pick(self) -> None:
        self._picked = self.combo.currentData()

    def _on_catalog_changed(self, _catalog: Catalog) -> None:
        self._picked = None  # another catalog's run numbers are other runs
        self._refresh_runs()

    def _on_runs_listed(self, runs: list[RunRecord], aliased: list[AliasedModel]) -> None:
        previous = self._picked
        self._runs = {entry.key: entry.run for entry in aliased}
        self._runs.update((f"run:{run.id}", run) for run in runs)
        self.combo.blockSignals(True)
        self.combo.clear()
        for entry in aliased:
            self.combo.addItem(color_swatch(run_color(entry.run.id)), entry.title, entry.key)
        for run in runs:
            self.combo.addItem(color_swatch(run_color(run.id)), run_title(run), f"run:{run.id}")
        index = self.combo.findData(previous) if previous is not None else -1
        if index < 0:
            self._picked = None  # never picked, or the pick is gone: the newest
        self.combo.setCurrentIndex(index if index >= 0 else (0 if self._runs else -1))
        self.combo.blockSignals(False)
        self.combo.setEnabled(bool(self._runs))
        if self.current_run_id() != self._chosen_run:
            self._on_run_selected()
        self.runs_listed.emit(list(runs))

    def _on_run_selected(self, _index: int = -1) -> None:
        self._load_generation += 1
        self._request += 1  # answers for the previous model are stale now
        generation, run_id = self._load_generation, self.current_run_id()
        self.predictor, self._chosen_run = None, run_id
        self.explanation.clear()
        if run_id is None:
            self.info_label.setText("")
            self.inputs.setCurrentWidget(self.empty_label)
            self.results.show_hint("")
            return
        run = self._runs[self.combo.currentData()]
        self.info_label.setText(f"Loading {run.name}…")
        self.results.show_hint("Loading the model…")
        catalog = self.state.catalog

        def load():  # noqa: ANN202
            from app.core.inference import load_predictor

            return load_predictor(catalog, run_id)

        run_in_background(self, load, lambda p: self._on_model_loaded(generation, run, p),
                          lambda message: self._on_model_failed(generation, message),
                          heavy=True)

    def _on_model_loaded(self, generation: int, run: RunRecord, predictor) -> None:  # noqa: ANN001
        if generation != self._load_generation:
            return
        self.predictor = predictor
        names = predictor.class_names
        shown = ", ".join(names[:8]) + (f", … ({len(names)} in all)" if len(names) > 8 else "")
        accuracy = "" if run.test_accuracy is None else f" · test accuracy {run.test_accuracy:.1%}"
        self.info_label.setText(f"{run.model} on {Path(run.dataset_path or '').name} · "
                                f"{len(names)} classes: {shown}{accuracy}")
        self.top_k.setMaximum(max(1, len(names)))
        is_image = predictor.kind == "image"
        self.inputs.setCurrentWidget(self.image_input if is_image else self.text_input)
        self.model_loaded.emit(predictor)
        self._predict()

    def _on_model_failed(self, generation: int, message: str) -> None:
        if generation == self._load_generation:
            self.info_label.setText("")
            self.inputs.setCurrentWidget(self.empty_label)
            self._show_failure(f"This model cannot be loaded: {message}")

    # ------------------------------------------------------------------------ predicting
    def _predict(self) -> None:
        predictor = self.predictor
        if predictor is None:
            return
        self._request += 1
        request, k = self._request, self.top_k.value()
        if predictor.kind == "image":
            path = self._image_path
            if path is None:
                self.results.show_hint("Drop an image on the left, or open one.")
                self.explanation.clear()
                return
            self.results.show_hint("Predicting…")
            run_in_background(
                self, lambda: (_read_preview(path), predictor.predict([Path(path)], k)[0]),
                lambda result: self._on_image_predicted(request, *result),
                lambda message: self._on_image_failed(request, path, message))
            return
        text = self.text_input.text()
        if not text.strip():
            self.results.show_hint("Type a text on the left to see what the model thinks.")
            self.explanation.clear()
            return
        run_in_background(self, lambda: predictor.predict([text], k)[0],
                          lambda scores: self._on_predicted(request, scores),
                          lambda message: self._on_failed(request, message))

    def _on_image_predicted(self, request: int, image: QImage, scores: Sequence) -> None:
        if request != self._request:
            return
        if image.isNull():
            self.image_input.drop_area.show_text("(no preview for this file)")
        else:
            self.image_input.drop_area.show_image(image)
        self._on_predicted(request, scores)

    def _on_image_failed(self, request: int, path: str, message: str) -> None:
        if request == self._request:
            self.image_input.drop_area.show_text(f"Cannot show {Path(path).name}")
            self._on_failed(request, message)

    def _on_predicted(self, request: int, scores: Sequence) -> None:
        if request != self._request:
            return
        self.results.show_scores(scores)
        predictor = self.predictor
        item = Path(self._image_path) if predictor.kind == "image" else self.text_input.text()
        self.explanation.show_for(self.state.catalog, predictor.run_id, predictor.class_names,
                                  item)
        self.predicted.emit(tuple(scores))

    def _on_failed(self, request: int, message: str) -> None:
        if request == self._request:
            self._show_failure(message)

    def _show_failure(self, message: str) -> None:
        self.results.show_error(message)
        self.explanation.clear()
        self.prediction_failed.emit(message)
