"""The window's shared state; pages subscribe to its signals and never own data themselves.

Holds the open dataset, the open catalog, the chosen architecture and the user's run values.
Loading a dataset happens on the thread pool; the state announces ``dataset_loading`` first,
then ``dataset_changed`` or ``dataset_failed``. The run name is typed for one dataset: opening
another blanks it (two unrelated runs would quietly share it), reopening the same keeps it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.core.augment import AUGMENT_KEYS
from app.core.catalog import (
    ENV_VAR,
    Catalog,
    RunRecord,
    label_changes_config,
    resolve_catalog_path,
)
from app.core.config import RunConfig, run_params
from app.core.datasets import Dataset, TableOptions, load_dataset
from app.core.errors import ModelDeskError
from app.core.jobs import LaunchedJob, TrainJob
from app.core.palette import default_model, get_spec
from app.core.runs import names_run
from app.gui.settings import Settings
from app.gui.workers import run_in_background

SPLIT_KEYS = ("val_fraction", "test_fraction", "seed")
NOT_CARRIED = ("dataset", "model", "model_options", "name", "weights", "text_column",
               "label_column", "delimiter", "has_header")
"""A run's settings that ``fine_tune`` leaves to the open dataset and the new run."""
OWN_TO_A_RUN = ("dataset", "model", "model_options", "name", "text_column", "label_column",
                "delimiter", "has_header")
"""What ``use_settings`` does not copy as a value: the dataset and its table options (opened
instead), the architecture and its options (set as such) and the run's own name."""


class AppState(QObject):
    dataset_loading = Signal(str)
    dataset_changed = Signal(object)  # Dataset
    dataset_failed = Signal(str)
    catalog_changed = Signal(object)  # Catalog
    runs_changed = Signal()  # a run was added, finished, edited or deleted
    # One run's row changed (its id). Emitted just before the runs_changed of the same change,
    # so a page that can re-read one row listens to both and skips that runs_changed.
    run_changed = Signal(int)
    model_changed = Signal(str)
    values_changed = Signal()
    fine_tune_changed = Signal(str)  # the "init_from" run's label, or "" when none
    registry_changed = Signal()  # a model version was registered, promoted, rolled back, …

    def __init__(self, settings: Settings, catalog_path: str | Path | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.dataset: Dataset | None = None
        self.table_options = TableOptions()
        remembered = settings.last_values()
        self.model_name = str(remembered.pop("model", "") or "")
        params = {p.name: p for p in run_params()}
        self.values: dict[str, Any] = {
            **{key: params[key].default for key in SPLIT_KEYS},
            **{k: v for k, v in remembered.items() if k in params}}
        self.values.pop("init_from", None)  # a fine-tune is chosen anew, never remembered
        # the dataset the run name was typed for (last time's dataset for a remembered name)
        self._name_for = _resolved(settings.last_dataset()) if self.values.get("name") else None
        self.model_options: dict[str, Any] = {}
        self.fine_tune_label = ""  # the run init_from names, as the Models page shows it
        self.processes = 1  # local training processes for the next run (torchrun when > 1)
        # --catalog, then $MODELDESK_CATALOG, then the catalog used last time, then the default.
        path = catalog_path or (None if os.environ.get(ENV_VAR) else settings.last_catalog())
        self.catalog = Catalog(resolve_catalog_path(str(path) if path else None))
        settings.set_last_catalog(str(self.catalog.path))
        self._loading: str | None = None

    # --------------------------------------------------------------------------- dataset
    def open_dataset(self, path: str | Path, options: TableOptions | None = None) -> None:
        """Load in the background; the newest request wins if several overlap."""
        path = str(path)
        options = options or TableOptions()
        self._loading = path
        self.dataset_loading.emit(path)

        def done(dataset: Dataset) -> None:
            if self._loading != path:
                return
            self._loading = None
            self.dataset, self.table_options = dataset, options
            self.settings.set_last_dataset(path)
            renamed = self._forget_name_of_other_dataset(path)
            if not self.model_name or get_spec(self.model_name).kind != dataset.kind:
                self.set_model(default_model(dataset.kind))
            elif not self.model_options:
                self.model_options = get_spec(self.model_name).options_with_defaults({})
            if renamed:
                self.values_changed.emit()
            self.dataset_changed.emit(dataset)

        def failed(message: str) -> None:
            if self._loading == path:
                self._loading = None
                self.dataset_failed.emit(message)

        run_in_background(self, lambda: load_dataset(path, options), done, failed)

    @property
    def loading(self) -> bool:
        return self._loading is not None

    # --------------------------------------------------------------------------- catalog
    def open_catalog(self, path: str | Path) -> None:
        """Switch catalogs; raises ``ModelDeskError`` if the file is not a usable catalog."""
        catalog = Catalog(Path(path))
        self.catalog = catalog
        self.settings.set_last_catalog(str(catalog.path))
        self.catalog_changed.emit(catalog)
        self.runs_changed.emit()

    # ------------------------------------------------------------------- model and values
    def set_model(self, name: str) -> None:
        """Choose an architecture; its training defaults replace the previous model's."""
        spec = get_spec(name)
        if spec.name == self.model_name and self.model_options:
            return
        if spec.name != self.model_name and self.fine_tune_label:
            self.start_fresh()  # the run to fine-tune is of the previous architecture
        self.model_name = spec.name
        self.model_options = spec.options_with_defaults({})
        self.values.update(spec.training_defaults)
        self._remember()
        self.model_changed.emit(spec.name)
        self.values_changed.emit()

    def update_values(self, values: dict[str, Any], model_options: dict[str, Any] | None = None,
                      ) -> None:
        if "name" in values and values["name"] != self.values.get("name"):
            self._name_for = _resolved(self.dataset.path) if self.dataset is not None else None
        self.values.update(values)
        if model_options is not None:
            self.model_options = dict(model_options)
        self._remember()
        self.values_changed.emit()

    def fine_tune(self, run: RunRecord) -> None:
        """Put ``run``'s architecture, options and settings into the form, starting from its
        weights (``init_from`` = its uid); the open dataset stays, since fine-tuning on other
        data is the point, unless there is none or it is of another kind: then the run's."""
        config = RunConfig.from_stored(run.config, where=f"run {run.id}")
        values = {k: v for k, v in config.values().items() if k not in NOT_CARRIED}
        self.model_name = config.model.architecture
        self.model_options = dict(config.model.options)
        self.values.update(values, init_from=run.uid)
        self.fine_tune_label = f"run {run.id} · {run.name}"
        self._remember()
        self.model_changed.emit(self.model_name)
        self.values_changed.emit()
        self.fine_tune_changed.emit(self.fine_tune_label)
        fits = self.dataset is not None and self.dataset.kind == get_spec(run.model).kind
        if not fits and not self.loading and run.dataset_path:
            self.open_dataset(run.dataset_path, TableOptions.from_config(config.data))

    def use_settings(self, run: RunRecord) -> None:
        """Put every setting of ``run`` (any run: a search trial too) into the form, to iterate
        by hand: its architecture, options, training values and starting point as stored,
        and its dataset, opened unless that is the one already open."""
        config = RunConfig.from_stored(run.config, where=f"run {run.id}")
        values = {k: v for k, v in config.values().items() if k not in OWN_TO_A_RUN}
        self.model_name = config.model.architecture
        self.model_options = dict(config.model.options)
        self.values.update(values)
        parent = config.model.init_from
        self.fine_tune_label = ("" if not names_run(parent) else f"run {run.parent_run_id}"
                                if run.parent_run_id is not None else f"uid {str(parent)[:8]}")
        self._remember()
        self.model_changed.emit(self.model_name)
        self.values_changed.emit()
        self.fine_tune_changed.emit(self.fine_tune_label)
        options = TableOptions.from_config(config.data)
        wanted = Path(config.data.dataset).resolve()
        open_now = self.dataset is not None and Path(self.dataset.path).resolve() == wanted
        if not (open_now and options == self.table_options) or self.loading:
            self.open_dataset(config.data.dataset, options)

    def start_fresh(self) -> None:
        """Forget the run to fine-tune: the next run starts from the entry's own weights."""
        self.values["init_from"] = None
        self.fine_tune_label = ""
        self._remember()
        self.values_changed.emit()
        self.fine_tune_changed.emit("")

    def _forget_name_of_other_dataset(self, path: str) -> bool:
        """Blank the run name typed for another dataset; ``True`` if it was blanked."""
        opened = _resolved(path)
        if not self.values.get("name") or self._name_for in (None, opened):
            self._name_for = opened
            return False
        self.values["name"], self._name_for = "", None
        self._remember()
        return True

    def _remember(self) -> None:
        kept = {k: v for k, v in self.values.items() if k != "init_from"}
        self.settings.set_last_values({**kept, "model": self.model_name})

    def train_job(self) -> TrainJob:
        """The job Train/Start queues: in the window's own process, or in ``processes``
        local processes (torchrun) when more than one is asked for."""
        config = self.build_config()
        if self.processes > 1:
            return LaunchedJob(config, processes=self.processes)
        return TrainJob(config)

    def build_config(self) -> RunConfig:
        """The run the Start button would launch; raises ``ModelDeskError`` when invalid."""
        from app.core.runs import make_config

        if self.dataset is None:
            raise ModelDeskError("open a dataset first (File → Open dataset)")
        if not self.model_name:
            raise ModelDeskError("choose an architecture on the Models page")
        options = self.table_options
        values = {**self.values, "dataset": str(self.dataset.path), "model": self.model_name,
                  "model_options": dict(self.model_options),
                  "text_column": options.text_column, "label_column": options.label_column,
                  "delimiter": options.delimiter, "has_header": options.has_header,
                  # the analyst's decisions from Check labels (Data page), as the run's own
                  "label_changes": label_changes_config(self.catalog.label_changes(
                      self.dataset.path))}
        if self.dataset.kind != "image":  # kept for the next image dataset; not shown for text
            values = {k: v for k, v in values.items() if k not in AUGMENT_KEYS}
        return make_config(values)


def _resolved(path: str | Path | None) -> str | None:
    return None if not path else str(Path(path).resolve())
