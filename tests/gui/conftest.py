"""GUI test fixtures: a real window on an isolated settings file and catalog.

Tests fail loudly (napari's and pyqtgraph's habit): a test that leaves training running or
background tasks pending fails, and Qt warnings fail the test (see ``qt_log_level_fail``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.gui.settings import Settings
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.workers import wait_for_background

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
SHAPES = SAMPLES / "shapes"
TOPICS = SAMPLES / "topics.csv"
LOAD_TIMEOUT_MS = 60_000
TRAIN_TIMEOUT_MS = 180_000


@pytest.fixture(autouse=True, scope="session")
def _gc_on_gui_thread(qapp):  # noqa: ANN001, ANN202 - as create_application does for the app
    from app.gui.gc_on_gui_thread import collect_on_gui_thread

    collect_on_gui_thread(qapp)


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def state(qtbot, settings: Settings, tmp_path: Path) -> AppState:  # noqa: ANN001
    return AppState(settings, catalog_path=tmp_path / "catalog.sqlite")


@pytest.fixture
def queue(qtbot):  # noqa: ANN001, ANN201
    training = TrainingQueue()
    yield training
    ended = training.stop_all(wait_ms=60_000)
    assert ended, "a training thread was still running at the end of the test"
    qtbot.waitUntil(lambda: not training.busy, timeout=60_000)


@pytest.fixture
def window(qtbot, state: AppState, queue: TrainingQueue):  # noqa: ANN001, ANN201
    from app.gui.main_window import MainWindow

    main = MainWindow(state, queue)
    qtbot.addWidget(main)
    main.show()
    yield main
    queue.stop_all()


@pytest.fixture(autouse=True)
def _no_background_work_left(qtbot):  # noqa: ANN001, ANN202
    yield
    assert wait_for_background(60_000), "background tasks still running"
    qtbot.wait(1)  # deliver their last queued signals before widgets are deleted


def open_dataset(qtbot, state: AppState, path: Path) -> None:  # noqa: ANN001
    """Open ``path`` and wait until it is loaded (fails the test if loading fails)."""
    with qtbot.waitSignal(state.dataset_changed, timeout=LOAD_TIMEOUT_MS):
        state.open_dataset(path)


def train_runs(catalog_path: Path, runs: dict[str, dict]) -> dict[str, int]:
    """Train each named config (real, tiny runs) into the catalog at ``catalog_path``."""
    from app.core.catalog import Catalog
    from app.core.runs import execute, make_config, plan_run

    catalog = Catalog(catalog_path)
    ids = {}
    for key, values in runs.items():
        outcome = execute(plan_run(make_config(values)), catalog)
        assert outcome.status == "completed", outcome.message
        ids[key] = outcome.run_id
    return ids


def job_event(qtbot, queue: TrainingQueue, kind: type, *,  # noqa: ANN001, ANN201
              timeout: int = TRAIN_TIMEOUT_MS, where=None):  # noqa: ANN001
    """Wait for the queue's next event record of ``kind`` (for which ``where`` holds, if
    given); ``.args[0]`` is that record.

    The queue has one signal for everything its job reports (``RunCreated``, ``RunStarted``,
    ``StepBatch``, ``EpochEnd``, ``Paused``, ``RunFinished``, ``JobEnded``)."""
    return qtbot.waitSignal(queue.event, timeout=timeout, check_params_cb=lambda event: (
        isinstance(event, kind) and (where is None or where(event))))


@pytest.fixture
def data_page(qtbot, state: AppState, queue: TrainingQueue):  # noqa: ANN001, ANN201
    """A shown Data page at the size the window gives it."""
    from app.gui.pages.data_page import DataPage

    widget = DataPage(state, queue)
    qtbot.addWidget(widget)
    widget.resize(1110, 740)
    widget.show()
    return widget
