"""The Models page: pick an architecture from the palette, configure it, queue runs.

Left, the palette for the open dataset's kind with each model's size for this data (counted
on the thread pool). Right, a form generated from the core's schemas (the architecture's
hyperparameters, then training and data/run settings) that validates as the user types and
writes every valid value straight into ``AppState``; Train and Add to queue stay disabled
while anything is invalid or no dataset is open. Below the forms, "Search instead of one run"
(``_models_search.SearchPanel``) turns ticked settings, or the "Find the best model" preset,
into a search queued like a run.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import ConfigError, ModelDeskError
from app.core.jobs import SearchJob
from app.core.palette import (
    ArchitectureSpec,
    ModelSummary,
    get_spec,
    list_specs,
    recommended_model,
)
from app.gui.pages._models_augment_preview import AugmentPreview
from app.gui.pages._models_fields import (
    OPTION_PREFIX,
    cross_field_errors,
    errors_by_field,
    option_fields,
    run_fields,
)
from app.gui.pages._models_palette import ArchitectureList
from app.gui.pages._models_parent import FineTuneBanner
from app.gui.pages._models_search import SearchPanel
from app.gui.pages._models_sizes import SizeEstimator
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.widgets.config_form import ConfigForm

ERROR_COLOR = "#B34700"
COUNT_DELAY_MS = 300  # recount the configured model once typing pauses
LOCAL_PROCESSES = 16  # the most local training processes offered (one per GPU, usually)


class ModelsPage(QWidget):
    train_requested = Signal()  # a run was queued with Train: show the Training page
    search_requested = Signal()  # a search was queued: show the Search page

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.spec: ArchitectureSpec | None = None
        self.options_form: ConfigForm | None = None
        self.run_form: ConfigForm | None = None
        self._pushing = False
        self._build_error: dict[str, str] = {}  # why the configured model cannot be built
        self._general_errors: list[str] = []
        self._queue_text = ""  # what the queue is doing, shown beside the buttons
        self.sizes = SizeEstimator(self)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._build()
        self.sizes.card_ready.connect(self.architectures.show_count)
        self.sizes.selected_ready.connect(self._on_selected_counted)
        self._count_timer.timeout.connect(self._on_count_due)
        self.architectures.chosen.connect(self._on_chosen)
        state.dataset_changed.connect(self._on_dataset_changed)
        state.dataset_loading.connect(lambda _path: self._update_buttons())
        state.dataset_failed.connect(lambda _message: self._update_buttons())
        state.model_changed.connect(self._on_model_changed)
        state.values_changed.connect(self._on_values_changed)
        queue.queue_changed.connect(self._on_queue_changed)
        self._fill_palette()
        self._on_model_changed(state.model_name)

    # -------------------------------------------------------------------------- layout
    def _build(self) -> None:
        self.palette_hint = QLabel()
        self.palette_hint.setWordWrap(True)
        self.palette_hint.setStyleSheet("color: #666;")
        self.architectures = ArchitectureList()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 12, 6, 12)
        title = QLabel("<h3 style='margin:0'>Architectures</h3>")
        left_layout.addWidget(title)
        left_layout.addWidget(self.palette_hint)
        left_layout.addWidget(self.architectures, 1)

        self.model_title = QLabel()
        self.model_description = QLabel()
        self.model_description.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("modelSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("color: #555;")
        self.form_host = QWidget()
        self.form_layout = QVBoxLayout(self.form_host)
        self.form_layout.setContentsMargins(0, 0, 8, 0)
        self.form_layout.setSpacing(10)
        self.form_layout.addStretch(1)
        self.augment_preview = AugmentPreview(self.state)  # after the forms (image data only)
        self.form_layout.insertWidget(0, self.augment_preview)
        self.search_panel = SearchPanel()  # last, before the stretch
        self.form_layout.insertWidget(1, self.search_panel)
        self.search_panel.search_clicked.connect(self._start_search)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.form_host)
        self.error_label = QLabel()
        self.error_label.setObjectName("formErrors")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error_label.hide()
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #666;")
        self.status_label.setWordWrap(True)
        self.queue_button = QPushButton("Add to queue")
        self.queue_button.setToolTip("Queue a run with these settings and stay on this page")
        self.train_button = QPushButton("Train")
        self.train_button.setDefault(True)
        self.train_button.setMinimumWidth(110)
        self.queue_button.clicked.connect(lambda: self._enqueue(show_training=False))
        self.train_button.clicked.connect(lambda: self._enqueue(show_training=True))
        self.processes = QSpinBox()
        self.processes.setObjectName("processesSpin")
        self.processes.setRange(1, LOCAL_PROCESSES)
        self.processes.setPrefix("processes: ")
        self.processes.setToolTip(
            "Train data-parallel in this many processes on this computer (torchrun; one per "
            "GPU on a multi-GPU workstation). 1 trains in the window's own process; several "
            "cannot be paused, only stopped.")
        self.processes.valueChanged.connect(lambda value: setattr(self.state, "processes",
                                                                  int(value)))
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.processes)
        buttons.addWidget(self.queue_button)
        buttons.addWidget(self.train_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 12, 12, 12)
        right_layout.setSpacing(6)
        self.fine_tune_banner = FineTuneBanner(self.state)  # init_from = a catalog run
        for widget in (self.fine_tune_banner, self.model_title, self.model_description,
                       self.summary_label):
            right_layout.addWidget(widget)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.error_label)
        right_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 660])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # --------------------------------------------------------------------- palette side
    def _kind(self) -> str | None:
        return self.state.dataset.kind if self.state.dataset is not None else None

    def _fill_palette(self) -> None:
        kind = self._kind()
        specs = list_specs(kind)
        self.architectures.set_specs(specs, self.state.model_name)
        if kind is None:
            self.palette_hint.setText("All architectures. Open a dataset to see those that fit "
                                      "it and their size for your data.")
            self.architectures.reset_counts("size depends on the data")
        else:
            classes = len(self.state.dataset.class_names)
            samples = len(self.state.dataset.labels)
            hint = f"For {kind} data · sizes for your {classes} classes"
            recommended = recommended_model(kind, samples)
            if recommended:
                hint += (f". With {samples:,} samples, start from a pretrained model: "
                         f"{recommended} learns far more from few examples than one trained "
                         "from scratch.")
            self.palette_hint.setText(hint)
            self.architectures.recommend(recommended)
        self._refresh_counts(force=True)

    def _refresh_counts(self, force: bool = False) -> None:
        specs = list_specs(self._kind())
        if force:
            self.sizes.refresh(None, {}, ())  # forget the old facts so cards are recounted
        if self.sizes.refresh(self.state.dataset, self.state.values, specs):
            self.architectures.reset_counts()

    # ------------------------------------------------------------------------ form side
    def _rebuild_forms(self) -> None:
        for form in (self.options_form, self.run_form):
            if form is not None:
                self.form_layout.removeWidget(form)
                form.deleteLater()
        self.options_form = self.run_form = None
        spec = self.spec
        if spec is None:
            self.model_title.setText("<h3 style='margin:0'>Choose an architecture</h3>")
            self.model_description.setText("Pick a model on the left to see its settings.")
            self.summary_label.clear()
            self._update_buttons()
            return
        self.model_title.setText(f"<h3 style='margin:0'>{spec.name}</h3>")
        self.model_description.setText(spec.description)
        self.options_form = ConfigForm(option_fields(spec))
        self.run_form = ConfigForm(run_fields(spec))
        self.form_layout.insertWidget(0, self.options_form)
        self.form_layout.insertWidget(1, self.run_form)
        width = max(self.options_form.label_width(), self.run_form.label_width())
        for form in (self.options_form, self.run_form):
            form.set_label_width(width)
        if not spec.hyperparams:
            self.options_form.hide()
        self._load_from_state()
        self.search_panel.set_fields(
            [("", self.run_form.fields.values()),
             (OPTION_PREFIX, self.options_form.fields.values())],
            {**self.run_form.values(),
             **{OPTION_PREFIX + k: v for k, v in self.options_form.values().items()}})
        for form in (self.options_form, self.run_form):
            form.changed.connect(self._on_form_changed)
            form.validity_changed.connect(lambda _valid: self._update_buttons())
        self._build_error = {}
        self._revalidate()
        self._count_timer.start()

    def _load_from_state(self) -> None:
        if self.options_form is None or self.run_form is None:
            return
        self.options_form.set_values(self.state.model_options)
        self.run_form.set_values(self.state.values)

    def _revalidate(self) -> None:
        """Cross-field rules and the build check, marked on the fields they name."""
        if self.options_form is None or self.run_form is None or self.spec is None:
            return
        dataset = str(self.state.dataset.path) if self.state.dataset is not None else None
        values = {**self.state.values, **self.run_form.values()}
        options = {**self.state.model_options, **self.options_form.values()}
        found = cross_field_errors(values, self.spec.name, options, dataset)
        names = set(self.run_form.fields) | set(self.options_form.fields)
        for name, message in self._build_error.items():
            found[name if name in names else ""] = message
        self._general_errors = [m for k, m in found.items() if k == ""]
        for form in (self.options_form, self.run_form):
            form.set_external_errors({k: m for k, m in found.items() if k in form.fields})
        self._update_buttons()

    def _errors(self) -> list[str]:
        messages: list[str] = []
        for form in (self.options_form, self.run_form):
            if form is not None:
                messages.extend(form.errors().values())
        messages.extend(self._general_errors)
        return list(dict.fromkeys(messages))

    def _blocker(self) -> str:
        """Why a run cannot be queued now ('' when it can)."""
        if self.state.loading:
            return "Loading the dataset…"
        if self.state.dataset is None:
            return "Open a dataset (File → Open dataset) to train."
        if self.spec is None:
            return "Choose an architecture."
        if self.spec.kind != self.state.dataset.kind:
            return f"{self.spec.name} is for {self.spec.kind} data; choose another model."
        if self._errors():
            return "Fix the marked settings to train."
        return ""

    def _update_buttons(self) -> None:
        errors = self._errors()
        self.error_label.setText("\n".join(f"• {m}" for m in errors))
        self.error_label.setVisible(bool(errors))
        blocker = self._blocker()
        for button in (self.train_button, self.queue_button, self.search_panel.search_button):
            button.setEnabled(not blocker)
        self.train_button.setToolTip(blocker or "Queue a run with these settings and watch it "
                                     "on the Training page")
        self.status_label.setText(blocker if blocker and not errors else self._queue_text)

    # ------------------------------------------------------------------------ handlers
    def _on_dataset_changed(self, _dataset: object) -> None:
        self._fill_palette()
        self._update_buttons()
        self._count_timer.start()

    def _on_model_changed(self, name: str) -> None:
        try:
            self.spec = get_spec(name) if name else None
        except ModelDeskError:
            self.spec = None
        self.architectures.select(self.spec.name if self.spec else "")
        self._rebuild_forms()

    def _on_chosen(self, name: str) -> None:
        self.state.set_model(name)

    def _on_values_changed(self) -> None:
        if self._pushing:
            return
        self._load_from_state()  # another page (or a model change) changed them
        self._revalidate()
        self._count_timer.start()

    def _on_form_changed(self) -> None:
        if self.options_form is None or self.run_form is None:
            return
        options = {**self.state.model_options, **self.options_form.values()}
        self._pushing = True
        try:
            self.state.update_values(self.run_form.values(), options)
        finally:
            self._pushing = False
        self._revalidate()
        self._count_timer.start()  # counts follow once typing pauses

    def _on_count_due(self) -> None:
        self._refresh_counts()  # a text model's size follows the vocabulary settings
        if self.spec is None or self.state.dataset is None or self.run_form is None:
            self.summary_label.clear()
            return
        if self.spec.kind != self.state.dataset.kind:
            return
        self.summary_label.setText("Counting parameters for these settings…")
        size = self.state.values.get("image_size")
        self.sizes.count_selected(self.spec, self.state.model_options,
                                  size if isinstance(size, int) else None)

    def _on_selected_counted(self, result: ModelSummary | ModelDeskError | str) -> None:
        if isinstance(result, ModelSummary):
            self._build_error = {}
            self.summary_label.setText(f"With these settings: {result.line}")
        else:
            self._build_error = (errors_by_field(result) if isinstance(result, ConfigError)
                                 else {"": str(result)})
            self.summary_label.setText("These settings cannot build the model.")
        self._revalidate()

    def _on_queue_changed(self) -> None:
        waiting = len(self.queue.pending)
        if self.queue.current is None:
            self._queue_text = ""
        else:
            more = f"; {waiting} more queued" if waiting else ""
            self._queue_text = f"Training {self.queue.current.label}{more}."
        self._update_buttons()

    def _enqueue(self, show_training: bool) -> None:
        if self._blocker():
            return
        try:
            job = self.state.train_job()
        except ModelDeskError as error:
            self._general_errors = [str(error)]
            self._update_buttons()
            return
        self.queue.enqueue(job, self.state.catalog.path)
        if show_training:
            self.train_requested.emit()  # the main window shows the Training page

    def _start_search(self) -> None:
        """Queue the search the panel describes over the form's run; show the Search page."""
        if self._blocker():
            return
        try:
            config = self.state.build_config()
            dataset = self.state.dataset.path.stem if self.state.dataset else "data"
            name = config.name or (f"best model for {dataset}" if self.search_panel.best_model()
                                   else f"{config.model.architecture} search on {dataset}")
            plan = self.search_panel.build_plan(name, config.values())
        except ModelDeskError:
            return  # the panel shows why, its rows marked
        self.queue.enqueue(SearchJob(plan), self.state.catalog.path)
        self.search_requested.emit()
