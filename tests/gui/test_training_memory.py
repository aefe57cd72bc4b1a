"""The Training page says where a run's decoded images live: in memory or a mapped file.

Real window, real queue, real tiny trainings on the bundled shapes; the budget is set through
``$MODELDESK_MEMORY_BUDGET_MB`` exactly as a user would.
"""

from __future__ import annotations

import pytest
from conftest import SHAPES, job_event, open_dataset

from app.core.datasets import BUDGET_VARIABLE
from app.core.engine import Notice
from app.core.jobs import JobEnded

pytestmark = pytest.mark.usefixtures("fresh_image_cache")


@pytest.mark.parametrize(("budget", "expected"), [
    (None, "decoded images are held in memory"),
    ("0", "exceed the memory budget (0 bytes), so they are memory-mapped from "),
])
def test_the_message_area_says_where_decoded_images_live(
        qtbot, window, state, queue, tmp_path, monkeypatch, budget, expected) -> None:  # noqa: ANN001
    if budget is None:
        monkeypatch.delenv(BUDGET_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(BUDGET_VARIABLE, budget)
    open_dataset(qtbot, state, SHAPES)
    state.set_model("mlp")
    state.update_values({"epochs": 1, "batch_size": 32})
    page = window.show_page("Training")
    with job_event(qtbot, queue, Notice) as noticed:
        page.start_button.click()
    notice = noticed.args[0]
    assert notice.level == "info" and expected in notice.text
    assert page.messages.isVisible() and page.messages.kind == "info"
    assert page.messages.text == f"Run {page.run_id}: {notice.text}."
    if budget is not None:
        cached = list((tmp_path / "cache").glob("*.npy"))
        assert len(cached) == 1 and str(cached[0]) in page.messages.text
    with job_event(qtbot, queue, JobEnded) as ended:
        pass
    assert ended.args[0].outcome.status == "completed"
