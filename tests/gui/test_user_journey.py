"""A person's first session, through the real window: every page, in the order they'd use it.

Open the bundled images, train from the Models page, watch the Training page, find the runs in
the Catalog, compare two of them, try the better one on a picture; and a bad folder on the way
leaves the window usable. Waits on signals only.
"""

from __future__ import annotations

from conftest import SHAPES, TRAIN_TIMEOUT_MS, job_event, open_dataset
from PySide6.QtCore import Qt

from app.core.jobs import JobEnded
from app.gui.pages._training_plots import TRAIN_RAW, VAL_LOSS

WAIT_MS = 60_000


def _train_from_models_page(qtbot, window, state, queue, lr: float) -> int:  # noqa: ANN001
    models = window.show_page("Models")
    state.update_values({"epochs": 2, "batch_size": 32, "lr": lr, "threads": 1})
    qtbot.waitUntil(models.train_button.isEnabled, timeout=WAIT_MS)
    with job_event(qtbot, queue, JobEnded) as outcome:
        qtbot.mouseClick(models.train_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.pages["Training"]
    qtbot.waitUntil(lambda: not queue.busy, timeout=TRAIN_TIMEOUT_MS)
    assert outcome.args[0].outcome.status == "completed", outcome.args[0].outcome.message
    return outcome.args[0].outcome.run_id


def test_first_session_through_every_page(qtbot, window, state, queue, tmp_path) -> None:  # noqa: ANN001
    # A folder with a single class is refused with a readable message; the window goes on.
    lonely = tmp_path / "lonely" / "only-class"
    lonely.mkdir(parents=True)
    (lonely / "a.png").write_bytes((SHAPES / "circle" / "001.png").read_bytes())
    (lonely / "b.png").write_bytes((SHAPES / "circle" / "002.png").read_bytes())
    with qtbot.waitSignal(state.dataset_failed, timeout=WAIT_MS) as failure:
        state.open_dataset(lonely.parent)
    assert "2 classes" in failure.args[0]
    assert window.stack.currentWidget() is window.pages["Data"]

    open_dataset(qtbot, state, SHAPES)
    state.set_model("mlp")
    first = _train_from_models_page(qtbot, window, state, queue, lr=0.003)
    training = window.pages["Training"]
    qtbot.waitUntil(lambda: training.plots.loss.point_count(VAL_LOSS) == 2, timeout=WAIT_MS)
    assert training.plots.loss.point_count(TRAIN_RAW) > 0
    second = _train_from_models_page(qtbot, window, state, queue, lr=0.0003)

    catalog = window.show_page("Catalog")
    qtbot.waitUntil(lambda: catalog.model.rowCount() == 2, timeout=WAIT_MS)
    assert {run.status for run in state.catalog.list_runs()} == {"completed"}

    compare = window.pages["Compare"]
    catalog.select_runs([first, second])
    with qtbot.waitSignal(compare.comparison_shown, timeout=WAIT_MS) as shown:
        catalog._on_compare()  # what the "Compare selected" button calls
    assert window.stack.currentWidget() is compare
    assert sorted(run.id for run in shown.args[0].runs) == sorted([first, second])
    assert "lr" in shown.args[0].param_diff

    best = max(state.catalog.list_runs(), key=lambda run: run.test_accuracy or 0)
    try_page = window.show_page("Try it")
    qtbot.waitUntil(lambda: try_page.select_run(best.id), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: try_page.predictor is not None  # Try it may start on it already:
                    and try_page.current_run_id() == best.id, timeout=WAIT_MS)  # the newest
    with qtbot.waitSignal(try_page.predicted, timeout=WAIT_MS) as predicted:
        try_page.open_image(SHAPES / "star" / "010.png")
    scores = predicted.args[0]
    assert len(scores) == 3 and scores[0].probability >= scores[-1].probability
    assert {score.class_name for score in scores} <= {"circle", "square", "star", "triangle"}
