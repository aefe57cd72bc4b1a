"""The shell: pages, menus, status bar, settings, closing during training."""

from __future__ import annotations

from conftest import SHAPES, open_dataset

from app.gui.pages import PAGES


def test_window_has_every_page_and_the_menus(window) -> None:
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == [title for title, _ in PAGES]
    assert titles[:5] == ["Data", "Models", "Training", "Catalog", "Compare"]
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Help"]
    window.show_page("Catalog")
    assert window.stack.currentWidget() is window.pages["Catalog"]


def test_status_bar_shows_catalog_and_device(qtbot, window, state) -> None:
    assert str(state.catalog.path) in window.catalog_label.text()
    qtbot.waitUntil(lambda: "detecting" not in window.device_label.text(), timeout=60_000)
    assert window.device_label.text() in ("device: cpu", "device: mps") or \
        window.device_label.text().startswith("device: cuda")


def test_opening_a_dataset_picks_a_model_for_its_kind(qtbot, window, state) -> None:
    open_dataset(qtbot, state, SHAPES)
    assert state.dataset.kind == "image"
    assert state.model_name == "small_cnn"
    assert state.settings.last_dataset() == str(SHAPES)


def test_the_window_modules_do_not_import_torch() -> None:
    """The window must paint before torch loads (seconds); only background work imports it."""
    import subprocess
    import sys

    code = ("import sys\nimport app.gui, app.gui.main_window, app.gui.pages\n"
            "print('torch' in sys.modules, 'torchvision' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
