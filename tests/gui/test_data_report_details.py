"""The Data page's report: imbalance warning, split per class, near duplicates, whole reasons.

Real files in ``tmp_path``, real widgets; the expected values come from the core functions
training uses (``split_dataset``), never from a second computation in the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SHAPES, open_dataset
from PIL import Image

from app.core.datasets import near_leaks, split_by_class, split_dataset
from app.gui.pages.data_page import DataPage
from app.gui.widgets.wrapping_delegate import text_height


@pytest.fixture
def page(data_page: DataPage) -> DataPage:
    return data_page


def _near_found(qtbot, page: DataPage) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not page.report.work.busy and page.report.near is not None,
                    timeout=60_000)


def _table(path: Path) -> Path:
    lines = ["text\tlabel", "Free entry!!\tspam", "free  entry\tspam"]
    lines += [f"ham message {i}\tham" for i in range(130)]
    lines += [f"spam offer {i}\tspam" for i in range(18)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _split_of(page: DataPage):  # noqa: ANN202
    val, test, seed = page.split.fractions()
    return split_dataset(page.dataset, val, test, seed)


def test_imbalance_warning_and_split_per_class(qtbot, page, state, tmp_path) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, _table(tmp_path / "sms.tsv"))
    warning = page.report.imbalance
    assert warning.isVisible() and warning.wordWrap()
    assert "imbalanced: ham 130 vs spam 20 (6.5 : 1" in warning.text()
    assert "more spam samples" in warning.text()
    for width in (900, 1280):  # the whole warning shows in a cramped and a wide window
        page.resize(width, 600)
        qtbot.waitUntil(lambda w=warning: w.height() >= w.heightForWidth(w.width()))

    table = page.split.table
    expected = {row.name: (row.train, row.val, row.test)
                for row in split_by_class(page.dataset, _split_of(page))}
    assert table.counts() == expected and set(expected) == {"ham", "spam"}
    before = table.counts()
    with qtbot.waitSignal(page.split.split_changed):
        page.split.seed.setValue(5)
    with qtbot.waitSignal(page.split.split_changed):
        page.split.test.setValue(0.4)
    after = {row.name: (row.train, row.val, row.test)
             for row in split_by_class(page.dataset, _split_of(page))}
    assert table.counts() == after != before
    page.split.val.setValue(0.7)  # 0.7 + 0.4 >= 1: no split, an empty table
    assert table.rowCount() == 0
    _near_found(qtbot, page)


def test_a_balanced_dataset_has_no_warning(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, SHAPES)
    assert not page.report.imbalance.isVisible()
    assert page.split.table.rowCount() == 4
    _near_found(qtbot, page)
    assert page.report.section("Near duplicates").text(0) == "Near duplicates (0 groups)"


def test_near_duplicate_texts_name_their_parts(qtbot, page, state, tmp_path) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, _table(tmp_path / "sms.tsv"))
    _near_found(qtbot, page)
    section = page.report.section("Near duplicates")
    assert section.text(0).startswith("Near duplicates (1 groups, ")
    group = section.child(0)
    (leak,) = near_leaks(page.report.near, _split_of(page))
    assert group.text(0) == "2 samples" and group.text(1) == leak.verdict
    assert [(group.child(i).text(0), group.child(i).text(1)) for i in range(2)] == [
        ("line 2: Free entry!!", f"spam · {leak.parts[0]}"),
        ("line 3: free  entry", f"spam · {leak.parts[1]}")]


def test_near_duplicate_pictures_leak_into_test(qtbot, page, state, tmp_path) -> None:  # noqa: ANN001
    root = tmp_path / "pics"
    for seed in range(8):
        (root / ("a" if seed < 4 else "b")).mkdir(parents=True, exist_ok=True)
        Image.effect_mandelbrot((64, 64), (-2 + seed * 0.1, -1.5, 1, 1.5), 40 + seed * 9).save(
            root / ("a" if seed < 4 else "b") / f"{seed}.png")
    picture = Image.effect_mandelbrot((128, 128), (-0.8, -0.3, -0.2, 0.3), 60).convert("RGB")
    picture.save(root / "a" / "photo.png")
    picture.save(root / "a" / "photo_q80.jpg", quality=80)
    picture.resize((64, 64), Image.Resampling.LANCZOS).save(root / "a" / "photo_small.png")
    shutil.copyfile(root / "a" / "0.png", root / "b" / "exact_copy.png")
    open_dataset(qtbot, state, root)
    _near_found(qtbot, page)

    section = page.report.section("Near duplicates")
    assert section.childCount() == 1
    group = section.child(0)
    assert {group.child(i).text(0) for i in range(group.childCount())} == {
        "a/photo.png", "a/photo_q80.jpg", "a/photo_small.png"}
    for seed in range(20):  # a seed that puts the copies in train and test
        state.update_values({"val_fraction": 0.0, "test_fraction": 0.4, "seed": seed})
        (leak,) = near_leaks(page.report.near, _split_of(page))
        if leak.verdict == "leaks into test":
            break
    group = page.report.section("Near duplicates").child(0)
    assert group.text(1) == "leaks into test" and section.isExpanded()
    assert "1 spanning splits" in page.report.section("Near duplicates").text(0)
    duplicates = page.report.section("Duplicates")
    assert duplicates.text(0) == "Duplicates (1 groups, 1 with conflicting labels)"


def test_a_long_skip_reason_is_shown_whole(qtbot, page, state, tmp_path) -> None:  # noqa: ANN001
    root = tmp_path / "imgs"
    for label in ("a", "b"):
        for i in range(3):
            (root / label).mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (8, 8), (i * 80, 40, 200 if label == "a" else 10)).save(
                root / label / f"{i}.png")
    target = tmp_path / ("a_folder_with_a_rather_long_name_" * 6) / "moved_photo.png"
    (root / "a" / "link.png").symlink_to(target)
    open_dataset(qtbot, state, root)
    _near_found(qtbot, page)
    reason = page.dataset.report.skipped[0].reason
    assert len(reason) > 200

    tree = page.report.tree
    item = page.report.section("Skipped").child(0)
    assert (item.text(0), item.text(1)) == ("a/link.png", reason)

    def shown_whole() -> bool:
        index = tree.indexFromItem(item, 1)
        needed = text_height(reason, tree.font(), tree.itemDelegate().text_width(index))
        rect = tree.visualItemRect(item)
        right = tree.columnViewportPosition(1) + tree.columnWidth(1)
        return rect.height() >= needed and right <= tree.viewport().width() and needed > 40

    qtbot.waitUntil(shown_whole)
    page.resize(760, 740)  # narrower: the reason wraps onto more lines, still whole
    qtbot.waitUntil(shown_whole)
