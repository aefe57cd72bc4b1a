"""Schema v8's label changes: a v7 file gains the table and keeps everything else; changes are
kept per dataset path, replaced per sample, undone, and become a run config's
``label_changes``."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from catalog_files import create_at_version, table_rows

from app.core.catalog import Catalog, LabelChange, label_changes_config


def test_a_v7_file_upgrades_to_label_changes_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "catalog_v7.sqlite"
    create_at_version(path, 7)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO datasets (uid, path, kind, fingerprint, num_samples,"
                     " created_at) VALUES ('d', '/data', 'text', 'fp', 3, 'x')")
    before = table_rows(path, "datasets")

    catalog = Catalog(path)

    assert catalog.schema_version() >= 8
    assert table_rows(path, "datasets") == before
    assert catalog.label_changes("/data") == ()
    catalog.record_label_changes("/data", [LabelChange("line 2", "ham", None, 0.01)])
    assert [c.sample_id for c in catalog.label_changes("/data")] == ["line 2"]


def test_changes_are_kept_per_dataset_replaced_per_sample_and_undone(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    data, other = tmp_path / "sms.tsv", tmp_path / "other.tsv"
    catalog.record_label_changes(data, [LabelChange("line 2", "ham", None, 0.01),
                                        LabelChange("line 7", "spam", "ham", 0.2)])
    catalog.record_label_changes(other, [LabelChange("line 2", "a", "b")])
    catalog.record_label_changes(str(data) + "/../sms.tsv",  # another spelling, same file
                                 [LabelChange("line 2", "ham", "spam", 0.01)])

    changes = {c.sample_id: c for c in catalog.label_changes(data)}
    assert set(changes) == {"line 2", "line 7"}
    assert changes["line 2"].new_label == "spam" and not changes["line 2"].excluded
    assert changes["line 7"].given_label == "spam" and changes["line 7"].score == 0.2
    assert label_changes_config(catalog.label_changes(data)) == {"line 2": "spam",
                                                                 "line 7": "ham"}
    catalog.record_label_changes(data, [LabelChange("line 7", "spam", None)])
    assert label_changes_config(catalog.label_changes(data))["line 7"] is False

    assert catalog.remove_label_changes(data, ["line 7", "line 99"]) == 1
    assert [c.sample_id for c in catalog.label_changes(data)] == ["line 2"]
    assert [c.new_label for c in catalog.label_changes(other)] == ["b"]
