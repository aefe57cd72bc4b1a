"""Render a screenshot of every page of the window into ``docs/screenshots/``.

Trains a few small runs on the bundled samples into a temporary catalog (about a minute on two
cores), then drives the real window at 1280×800 through each page and saves
``QWidget.grab()`` of the whole window. Runs offscreen unless a display is set (under Xvfb
the fonts and window decorations are what a person sees).

    python docs/make_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "docs"))
from _shots_understand import (  # noqa: E402 - beside this script, not a package
    flipped_table,
    imbalanced_table,
    shoot_check_labels,
    shoot_data_report,
    shoot_evaluation,
    shoot_explanations,
)

SHAPES = REPO / "resources" / "samples" / "shapes"
TOPICS = REPO / "resources" / "samples" / "topics.csv"


def train_runs(catalog_path: Path) -> dict[str, int]:
    """A few completed runs to fill the catalog, compare and try-it pages."""
    from app.core.catalog import Catalog
    from app.core.runs import execute, make_config, plan_run

    catalog = Catalog(catalog_path)
    plans = {
        "shapes": {"dataset": str(SHAPES), "model": "small_cnn", "epochs": 8, "lr": 0.003,
                   "batch_size": 32, "model_options": {"width": 16}, "name": "shapes-cnn"},
        "bag_fast": {"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": 8,
                     "lr": 0.01, "name": "topics-bag lr=0.01"},
        "bag_slow": {"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": 8,
                     "lr": 0.003, "name": "topics-bag lr=0.003"},
        "textcnn": {"dataset": str(TOPICS), "model": "textcnn", "epochs": 4, "lr": 0.002,
                    "name": "topics-textcnn"},
    }
    ids = {}
    for key, values in plans.items():
        outcome = execute(plan_run(make_config({"seed": 0, "threads": 1, **values})), catalog)
        ids[key] = outcome.run_id
        print(f"trained {values['name']}: run {outcome.run_id}, {outcome.status}, "
              f"test accuracy {outcome.test_accuracy:.1%}", flush=True)
    return ids


def wait_until(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    from PySide6.QtCore import QCoreApplication, QThreadPool

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")
        QCoreApplication.processEvents()
        QThreadPool.globalInstance().waitForDone(20)


def settle(seconds: float = 0.6) -> None:
    """Let timers (plot redraws, debounced inputs) and background tasks finish."""
    end = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() > end)


def shoot_registry(window, ids: dict[str, int], shoot: Callable[[str], None]) -> None:  # noqa: ANN001
    """Three versions of "topics", production promoted twice and rolled back once."""
    catalog = window.state.catalog
    for key, note in (("bag_slow", "baseline"), ("bag_fast", "higher learning rate"),
                      ("textcnn", "convolutions over words")):
        catalog.register_model_version("topics", ids[key], note=note, user="ana")
    catalog.set_alias("topics", "production", 1, note="first release", user="ana")
    catalog.set_alias("topics", "production", 2, note="better on the March sample", user="ben")
    catalog.set_alias("topics", "staging", 3, note="for the review board", user="ben")
    catalog.rollback("topics", "production", note="v2 misroutes refunds", user="ana")
    catalog.register_model_version("shapes", ids["shapes"], note="first CNN", user="ana")
    registry = window.show_page("Models registry")
    registry.refresh("topics")
    wait_until(lambda: registry.name == "topics" and registry.table.rowCount() == 3)
    registry.table.selectRow(1)
    settle(1.0)
    shoot("registry")


def shoot_deploy(window, ids: dict[str, int], shoot: Callable[[str], None]) -> None:  # noqa: ANN001
    """The shapes CNN exported to ONNX and compressed two ways, each with its check."""
    from app.core.compress import compress_run
    from app.core.export import export_run

    catalog = window.state.catalog
    export_run(catalog, ids["shapes"], "onnx")
    for method in ("int8_static", "pruned"):
        compress_run(catalog, ids["shapes"], method)
    page = window.show_page("Catalog")
    page.detail.show_run(ids["shapes"])
    wait_until(lambda: page.detail.run_id == ids["shapes"])
    page.detail.tabs.setCurrentWidget(page.detail.deploy)
    deploy = page.detail.deploy
    wait_until(lambda: deploy.run is not None and deploy.run.id == ids["shapes"]
               and deploy.table.rowCount() == 3 and not deploy.busy)
    page.detail.deploy.table.selectRow(1)
    settle(1.0)
    shoot("deploy")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY")
                          else "xcb")
    home = Path(tempfile.mkdtemp(prefix="modeldesk-shots-"))
    os.environ["MODELDESK_LOG_DIR"] = str(home / "logs")
    catalog_path = home / "catalog.sqlite"
    ids = train_runs(catalog_path)

    from PySide6.QtCore import QSettings

    from app.core.engine import EpochEnd
    from app.core.jobs import TrainJob
    from app.gui import create_application
    from app.gui.main_window import MainWindow
    from app.gui.settings import Settings
    from app.gui.state import AppState

    application = create_application()
    settings = Settings(QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat))
    state = AppState(settings, catalog_path=catalog_path)
    window = MainWindow(state)
    window.resize(1280, 800)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)

    def grab(widget, name: str) -> None:  # noqa: ANN001
        settle()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")

    def shoot(name: str) -> None:
        grab(window, name)

    state.open_dataset(SHAPES)
    wait_until(lambda: state.dataset is not None)
    shoot("data-images")

    models = window.show_page("Models")
    settle(2.0)  # parameter counts arrive from the thread pool
    shoot("models")
    del models

    training = window.show_page("Training")
    state.update_values({"epochs": 12, "lr": 0.003, "batch_size": 32},
                        model_options={**state.model_options, "width": 16})
    window.queue.enqueue(TrainJob(state.build_config()), state.catalog.path)
    epochs_seen: list[int] = []
    window.queue.event.connect(lambda event: epochs_seen.append(event.epoch)
                               if isinstance(event, EpochEnd) else None)
    wait_until(lambda: len(epochs_seen) >= 4, timeout=600)
    shoot("training")
    window.queue.stop()
    wait_until(lambda: not window.queue.busy, timeout=120)
    del training

    state.open_dataset(TOPICS)
    wait_until(lambda: state.dataset is not None and state.dataset.kind == "text")
    window.show_page("Data")
    shoot("data-text")

    catalog = window.show_page("Catalog")
    catalog.refresh()
    catalog.select_runs([ids["shapes"]])
    wait_until(lambda: catalog.detail.run_id == ids["shapes"])
    settle(1.5)
    catalog.detail.tabs.setCurrentWidget(catalog.detail.curves)
    shoot("catalog")
    catalog.detail.tabs.setCurrentWidget(catalog.detail.confusion)
    settle(1.5)
    shoot("catalog-confusion")

    compare = window.show_page("Compare")
    compare.show_runs([ids["bag_slow"], ids["bag_fast"], ids["textcnn"]])
    settle(2.0)
    shoot("compare-curves")
    compare.tabs.setCurrentIndex(1)
    shoot("compare-metrics")
    compare.show_runs([ids["bag_slow"], ids["bag_fast"]])
    settle(2.0)
    compare.tabs.setCurrentIndex(2)
    shoot("compare-error-diff")

    shoot_registry(window, ids, shoot)
    shoot_deploy(window, ids, shoot)
    shoot_evaluation(window, ids["bag_slow"], shoot, wait_until)
    shoot_explanations(window, ids, SHAPES, shoot, wait_until)
    shoot_data_report(window, imbalanced_table(TOPICS, home), shoot, wait_until)
    shoot_check_labels(window, flipped_table(TOPICS, home), grab, wait_until)

    try_page = window.show_page("Try it")
    wait_until(lambda: try_page.select_run(ids["bag_fast"]))
    settle(1.0)
    try_page.text_input.edit.setPlainText("the striker scored twice before half time")
    settle(2.0)
    shoot("try-text")
    wait_until(lambda: try_page.select_run(ids["shapes"]))
    settle(1.0)
    try_page.open_image(SHAPES / "star" / "007.png")
    settle(2.0)
    shoot("try-image")

    window.queue.stop_all()
    window.close()
    application.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
