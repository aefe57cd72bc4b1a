"""The Search view in a real window: a search started from the Models page's ticked settings
delivers its trials live, stops and continues without repeating trials, opens its best trial's
run detail and sends checked trials to Compare; "Find the best model" names its best run.
Real tiny trainings (a 24-row text table, 2 epochs), nothing of ours mocked."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import TRAIN_TIMEOUT_MS, job_event, open_dataset
from factories import write_text_table
from PySide6.QtCore import Qt

from app.core.jobs import JobEnded, SearchJob
from app.core.search import SearchOutcome, SearchStarted, TrialEnded, TrialStarted
from app.gui.pages._models_search import BEST_MODEL


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_text_table(tmp_path / "table.csv", rows_per_class=8)


def _models_page(qtbot, window, table: Path):  # noqa: ANN001, ANN202
    open_dataset(qtbot, window.state, table)
    window.state.set_model("bag_of_embeddings")
    window.state.update_values({"epochs": 2, "batch_size": 8, "threads": 1})
    models = window.show_page("Models")
    models.search_panel.toggle.setChecked(True)
    return models, models.search_panel


@contextmanager
def _stopped_after(window) -> Iterator[None]:  # noqa: ANN001
    """Stop the queue when the test ends, passed or failed: the window closes before the
    fixtures' own teardown, and a busy queue would have it ask (modally) first."""
    try:
        yield
    finally:
        window.queue.stop_all()


def _ended(qtbot, window) -> SearchOutcome:  # noqa: ANN001
    blocker = job_event(qtbot, window.queue, JobEnded)
    with blocker:
        pass
    outcome = blocker.args[0].outcome
    assert isinstance(outcome, SearchOutcome), blocker.args[0].error
    return outcome


def test_a_search_from_the_form_runs_live_stops_and_continues(qtbot, window, table) -> None:
    with _stopped_after(window):
        models, panel = _models_page(qtbot, window, table)
        panel.tick("lr", low=0.001, high=0.3, log=True)
        panel.settings_form.set_values({"trials": 4, "pruner": "none", "sampler": "random"})
        search = window.pages["Search"]

        with job_event(qtbot, window.queue, SearchStarted) as started:
            qtbot.mouseClick(panel.search_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is search
        study_id = started.args[0].study_id
        assert isinstance(window.queue.unfinished_jobs()[0], SearchJob)  # saved as the search

        # Stop when the second trial starts (at once: on a loaded machine the tiny trials
        # would all finish while the summary is still being read); the first trial's row
        # arrives from the trial events.
        with job_event(qtbot, window.queue, TrialStarted, where=lambda e: e.number == 1):
            pass
        qtbot.waitUntil(lambda: search.study_id == study_id and search.stop_button.isEnabled(),
                        timeout=TRAIN_TIMEOUT_MS)
        assert window.queue.busy
        qtbot.mouseClick(search.stop_button, Qt.MouseButton.LeftButton)
        stopped = _ended(qtbot, window)
        qtbot.waitUntil(lambda: search.table.rowCount() >= 1, timeout=TRAIN_TIMEOUT_MS)
        first_rows = search.table.rowCount()
        assert stopped.status == "stopped" and 1 <= stopped.finished < 4
        assert first_rows >= 1
        catalog = window.state.catalog
        done_first = {r.trial_number for r in catalog.list_runs(study_id=study_id, limit=None)
                      if r.status == "completed"}

        qtbot.waitUntil(lambda: search.study is not None and search.study.status == "stopped"
                        and search.continue_button.isEnabled(), timeout=TRAIN_TIMEOUT_MS)
        with job_event(qtbot, window.queue, SearchStarted) as again:
            qtbot.mouseClick(search.continue_button, Qt.MouseButton.LeftButton)
        assert again.args[0].study_id == study_id
        assert again.args[0].finished_before == stopped.finished
        finished = _ended(qtbot, window)

        assert (finished.status, finished.finished) == ("completed", 4)
        runs = catalog.list_runs(study_id=study_id, limit=None)
        completed = [r for r in runs if r.status == "completed"]
        assert len(completed) == 4  # nothing finished was trained again
        second = {o.run_id for o in finished.outcomes}
        assert not second & {r.id for r in completed if r.trial_number in done_first}
        qtbot.waitUntil(lambda: search.study is not None and search.study.status == "completed",
                        timeout=TRAIN_TIMEOUT_MS)

        # Results: table, best-so-far, importances and slices from the study's own numbers.
        summary = search.summary
        values = [t["value"] for t in summary["trials"] if t["value"] is not None]
        assert len(values) == 4
        assert search.plots.best_values == [p["best"] for p in summary["best_so_far"]]
        _xs, ys = search.plots.best_curve.getData()
        assert ys[-1] == pytest.approx(max(values)) == search.plots.best_values[-1]
        assert search.plots.importance_names == list(summary["importances"]["values"])
        assert search.plots.slice_choice.currentText() == "lr"
        lrs = [t["params"]["lr"] for t in summary["trials"] if t["value"] is not None]
        slice_x, slice_y = search.plots.slice_data()
        assert slice_x == pytest.approx([math.log10(v) for v in lrs]) and slice_y == values
        assert search.verdict_label.text().startswith(f"Best: run {search.study.best_run_id} ")

        # The best trial is one click from its run detail.
        qtbot.mouseClick(search.best_button, Qt.MouseButton.LeftButton)
        catalog_page = window.pages["Catalog"]
        assert window.stack.currentWidget() is catalog_page
        qtbot.waitUntil(lambda: catalog_page.detail.run_id == search.study.best_run_id,
                        timeout=TRAIN_TIMEOUT_MS)

        # Checked trials go to Compare, in trial order.
        window.show_page("Search")
        search.table.set_checked([0, 2])
        picked = [r.id for r in sorted(runs, key=lambda r: r.trial_number)
                  if r.trial_number in (0, 2)]  # a pruned trial's run is compared too
        assert search.table.checked_run_ids() == picked
        qtbot.mouseClick(search.compare_button, Qt.MouseButton.LeftButton)
        compare = window.pages["Compare"]
        assert window.stack.currentWidget() is compare
        assert compare.selected_runs() == picked
        qtbot.waitUntil(lambda: not compare.listing, timeout=TRAIN_TIMEOUT_MS)


def test_a_bad_range_is_refused_in_the_form_and_nothing_queued(qtbot, window, table) -> None:
    _models, panel = _models_page(qtbot, window, table)
    panel.tick("lr", low=0.1, high=0.01)

    qtbot.mouseClick(panel.search_button, Qt.MouseButton.LeftButton)

    assert "search space 'lr'" in panel.error_label.text()
    assert "empty range" in panel.error_label.text()
    assert panel.rows["lr"].low.property("invalid") is True
    assert not window.queue.busy and not window.queue.pending


def test_find_the_best_model_from_the_window_names_its_best_run(qtbot, window, table) -> None:
    with _stopped_after(window):
        _models, panel = _models_page(qtbot, window, table)
        panel.mode.setCurrentText(BEST_MODEL)
        assert panel.settings_form.values()["timeout"] == 600  # the preset is a time budget
        panel.settings_form.set_values({"trials": 2, "sampler": "random", "pruner": "none"})
        search = window.pages["Search"]
        ended: list[TrialEnded] = []
        window.queue.event.connect(lambda e: ended.append(e) if isinstance(e, TrialEnded) else None)

        with job_event(qtbot, window.queue, SearchStarted):
            qtbot.mouseClick(panel.search_button, Qt.MouseButton.LeftButton)
        outcome = _ended(qtbot, window)

        assert outcome.finished == 2 and len(ended) == 2
        study = window.state.catalog.get_study(outcome.study_id)
        assert study.space["model"][0] == "bag_of_embeddings" and len(study.space["model"]) >= 4
        qtbot.waitUntil(lambda: search.study is not None and search.study.status == "completed",
                        timeout=TRAIN_TIMEOUT_MS)
        best = window.state.catalog.get_run_record(outcome.best_run_id)
        text = search.verdict_label.text()
        assert text.startswith(f"Best: run {best.id} ({best.name}), {best.model}, val_accuracy")
        assert "parameters" in text and "s per epoch" in text


def test_rows_mirror_the_run_form_and_start_around_its_values(qtbot, window, table) -> None:
    models, panel = _models_page(qtbot, window, table)
    lr = window.state.values["lr"]

    row = panel.rows["lr"]
    assert (float(row.low.text()), float(row.high.text())) == pytest.approx((lr / 10, lr * 10))
    assert row.log.isChecked() and not row.low.isEnabled()  # until ticked
    assert panel.rows["optimizer"].values.text() == "adam, adamw, sgd"
    assert (panel.rows["max_length"].low.text(), panel.rows["max_length"].high.text()) == (
        "1", "11")
    assert "model_options.dropout" in panel.rows  # the architecture's options too
    assert not {"name", "dataset", "device", "monitor", "weights"} & set(panel.rows)
    searchable = set(models.run_form.fields) - set(panel.rows)
    assert searchable <= {"name", "device", "init_from", "weights", "threads", "monitor",
                          "mixed_precision"}
