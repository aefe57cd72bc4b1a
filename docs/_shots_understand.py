"""Screenshots of the views that help judge a model and its data (issue 12): the run detail's
Evaluation tab, explanations in Try it and in the misclassified browser, the data report's
imbalance warning, split per class and near duplicates, and the Check labels window.

The data for the last two is generated here from the bundled topics table (an imbalanced copy
with a few re-typed duplicates, and a copy with 5 % of its labels flipped), so nothing outside
the repository is needed.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from pathlib import Path

Shoot = Callable[[str], None]
Wait = Callable[..., None]


def imbalanced_table(source: Path, folder: Path) -> Path:
    """topics.csv with one class cut to a fifth and a few rows re-typed in other cases."""
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    rare = rows[0]["label"]
    kept = [r for i, r in enumerate(rows) if r["label"] != rare or i % 5 == 0]
    echoes = [{"text": r["text"].upper().rstrip(".") + "!!", "label": r["label"]}
              for r in kept[1:60:12]]
    return _write(folder / "topics-imbalanced.csv", kept + echoes)


def flipped_table(source: Path, folder: Path, share: float = 0.05) -> Path:
    """topics.csv with ``share`` of its labels moved to another class (seeded)."""
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    classes = sorted({r["label"] for r in rows})
    chance = random.Random(7)
    for row in chance.sample(rows, int(len(rows) * share)):
        row["label"] = chance.choice([c for c in classes if c != row["label"]])
    return _write(folder / "topics-flipped.csv", rows)


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "label"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def shoot_evaluation(window, run_id: int, shoot: Shoot, wait: Wait) -> None:  # noqa: ANN001
    catalog = window.show_page("Catalog")
    catalog.select_runs([run_id])
    wait(lambda: catalog.detail.run_id == run_id)
    evaluation = catalog.detail.evaluation
    catalog.detail.tabs.setCurrentWidget(evaluation)
    wait(lambda: evaluation.evaluation is not None and not evaluation.busy)
    shoot("catalog-evaluation")


def shoot_explanations(window, ids: dict[str, int], shapes: Path, shoot: Shoot,  # noqa: ANN001
                       wait: Wait) -> None:
    try_page = window.show_page("Try it")
    panel = try_page.explanation
    seen: list[object] = []
    panel.explained.connect(seen.append)
    panel.toggle.setChecked(True)
    wait(lambda: try_page.select_run(ids["shapes"]))
    try_page.open_image(shapes / "star" / "003.png")
    wait(lambda: bool(seen), timeout=300)
    shoot("try-explain-image")
    seen.clear()
    wait(lambda: try_page.select_run(ids["bag_fast"]))
    try_page.text_input.edit.setPlainText("the striker scored twice before half time")
    wait(lambda: bool(seen), timeout=300)
    shoot("try-explain-text")
    panel.toggle.setChecked(False)

    catalog = window.show_page("Catalog")
    catalog.select_runs([ids["shapes"]])
    wait(lambda: catalog.detail.run_id == ids["shapes"])
    browser = catalog.detail.misclassified
    catalog.detail.tabs.setCurrentWidget(browser)
    wait(lambda: browser.browser.count() > 0)
    done: list[object] = []
    browser.explanation.explained.connect(done.append)
    browser.select_sample(0)
    browser.explanation.button.click()
    wait(lambda: bool(done), timeout=300)
    shoot("catalog-explain")


def shoot_data_report(window, table: Path, shoot: Shoot, wait: Wait) -> None:  # noqa: ANN001
    state = window.state
    state.open_dataset(table)
    wait(lambda: state.dataset is not None and Path(state.dataset.path) == table)
    page = window.show_page("Data")
    wait(lambda: page.report.near is not None)
    shoot("data-report")


def shoot_check_labels(window, table: Path, grab: Callable[[object, str], None],  # noqa: ANN001
                       wait: Wait) -> None:
    state = window.state
    state.open_dataset(table)
    wait(lambda: state.dataset is not None and Path(state.dataset.path) == table)
    page = window.show_page("Data")
    dialog = page.labels.open_window()
    dialog.resize(1000, 640)
    dialog.pretrained.setChecked(False)  # TF-IDF: seconds, and no extra to install
    dialog.start()
    wait(lambda: dialog.result is not None, timeout=300)
    dialog.table.selectRow(0)
    dialog.exclude_button.click()
    wait(lambda: not dialog.work.busy)
    grab(dialog, "check-labels")
    dialog.close()
