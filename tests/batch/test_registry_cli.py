"""``--register``, ``--promote``, ``--rollback``, ``--archive``, ``--versions`` on a catalog
holding a real trained run: the changes land in the catalog, the table and history print, and
bad input exits 2 with one line and nothing written."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cli_helpers import CliRunner, assert_one_error_line, run_main

from app.core.catalog import Catalog
from app.core.errors import CatalogError

_TABLES = ("registered_models", "model_versions", "model_aliases", "registry_events")


def _registry_rows(path: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(path)) as conn:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in _TABLES}


def test_register_promote_roll_back_and_list(cli: CliRunner, existing_catalog: Path) -> None:
    run = Catalog(existing_catalog).get_run_record(1)
    for note in ("first cut", "same run, retrained later"):
        result = cli("--register", run.uid[:8], "--name", "topics", "--note", note,
                     "--catalog", existing_catalog)
        assert result.code == 0, result.both
    assert f"registered run 1 (existing, uid {run.uid[:8]}) as topics v2" in result.out

    assert cli("--promote", "topics", "1", "--catalog", existing_catalog).code == 0
    promoted = cli("--promote", "topics", "2", "--note", "better on March data",
                   "--catalog", existing_catalog)
    assert promoted.out.strip() == "production of topics: v1 → v2 (run 1)"
    staged = cli("--promote", "topics", "1", "--alias", "staging", "--catalog", existing_catalog)
    assert staged.out.strip() == "staging of topics: unset → v1 (run 1)"
    back = cli("--rollback", "topics", "--note", "v2 misroutes refunds",
               "--catalog", existing_catalog)
    assert back.code == 0 and back.out.strip() == \
        "rolled back production of topics: v2 → v1 (run 1)"

    catalog = Catalog(existing_catalog)
    assert catalog.resolve_model("topics", alias="production").version == 1
    last = catalog.registry_history("topics")[-1]
    assert (last.action, last.note) == ("rollback", "v2 misroutes refunds")
    assert last.user  # the OS user

    listing = cli("--versions", "topics", "--catalog", existing_catalog)
    assert listing.code == 0, listing.both
    lines = listing.out.splitlines()
    assert lines[0].startswith("topics: 2 version(s)")
    header = next(line for line in lines if line.startswith("version"))
    assert header.split() == ["version", "run", "test", "acc", "export", "aliases", "created",
                              "by", "note"]
    v1 = next(line for line in lines if line.startswith("v1 "))
    assert "1 existing" in v1 and "production, staging" in v1 and v1.endswith("first cut")
    assert f"{run.test_accuracy:.2%}" in v1
    history = lines[lines.index("history:") + 1:]
    assert [line for line in history if "rolled back production: v2 → v1" in line][0] \
        .endswith("v2 misroutes refunds")
    assert len(history) == 1 + 6  # header + 2 registrations, 3 promotions, 1 rollback


def test_archive_frees_the_run_for_deletion(cli: CliRunner, existing_catalog: Path) -> None:
    assert cli("--register", "1", "--name", "topics", "--catalog", existing_catalog).code == 0
    catalog = Catalog(existing_catalog)
    with pytest.raises(CatalogError, match="run 1 is topics v1; archive"):
        catalog.delete_run(1)

    result = cli("--archive", "topics", "1", "--note", "replaced", "--catalog", existing_catalog)

    assert result.code == 0 and "archived topics v1" in result.out
    catalog.delete_run(1)
    listing = cli("--versions", "topics", "--catalog", existing_catalog)
    assert "deleted (uid" in listing.out and "archived" in listing.out


def test_a_real_process_lists_versions_and_exits_2_on_a_bad_name(
        existing_catalog: Path) -> None:
    Catalog(existing_catalog).register_model_version("topics", 1, note="n", user="ana")

    listed = run_main("--versions", "topics", "--catalog", existing_catalog)
    bad = run_main("--register", "1", "--name", "my topics", "--catalog", existing_catalog)

    assert listed.code == 0 and "v1" in listed.out and "ana" in listed.out, listed.both
    assert bad.code == 2 and bad.err.startswith("error: model name 'my topics' is not allowed")
    assert "Traceback" not in bad.both


@pytest.mark.parametrize(("args", "fragments"), [
    (("--register", "99", "--name", "topics"), ("--register 99: ", "has no run")),
    (("--register", "1", "--name", "a b"), ("model name 'a b' is not allowed",)),
    (("--promote", "topics", "7"), ("topics has no version 7",)),
    (("--promote", "topics", "two"), ("VERSION 'two' is not a version number",)),
    (("--promote", "topics", "1", "--alias", "Prod"), ("alias 'Prod' is not allowed",)),
    (("--promote", "topicz", "1"), ("no registered model 'topicz'", "registered: topics")),
    (("--rollback", "topics"), ("nothing to roll back to",)),
    (("--versions", "nope"), ("no registered model 'nope'",)),
    (("--archive", "topics", "1"), ("topics v1 is production",)),
], ids=["unknown-run", "bad-name", "unknown-version", "text-version", "bad-alias",
        "unknown-name", "nothing-to-roll-back", "versions-unknown", "archive-production"])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
        cli: CliRunner, existing_catalog: Path, args: tuple[str, ...],
        fragments: tuple[str, ...]) -> None:
    catalog = Catalog(existing_catalog)
    catalog.register_model_version("topics", 1)
    catalog.set_alias("topics", "production", 1)
    before = _registry_rows(existing_catalog)

    result = cli(*args, "--catalog", existing_catalog)

    assert_one_error_line(result, fragments)
    assert _registry_rows(existing_catalog) == before


@pytest.mark.parametrize(("args", "message"), [
    (("--register", "1"), "--register RUN needs --name NAME"),
    (("--versions", "topics", "--name", "x"), "--name only works with --register"),
    (("--register", "1", "--name", "t", "--alias", "staging"),
     "--alias only works with --promote or --rollback"),
    (("--versions", "topics", "--note", "x"), "--note only works with --register or"),
    (("--versions", "a", "--rollback", "a"), "not allowed with argument"),
    (("data", "--versions", "topics"), "--versions takes no DATASET argument"),
], ids=["register-without-name", "stray-name", "stray-alias", "stray-note", "two-modes",
        "dataset"])
def test_usage_errors_exit_2(cli: CliRunner, tmp_path: Path, args: tuple[str, ...],
                             message: str) -> None:
    result = cli(*args, "--catalog", tmp_path / "c.sqlite")
    assert result.code == 2 and message in result.err, result.both
    assert not (tmp_path / "c.sqlite").exists()


def test_no_catalog_file_is_created_for_a_typo(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("--versions", "topics", "--catalog", tmp_path / "typo.sqlite")
    assert_one_error_line(result, ("no catalog at", "typo.sqlite"))
    assert not (tmp_path / "typo.sqlite").exists()


def test_a_run_reference_can_name_a_registered_version(
        cli: CliRunner, existing_catalog: Path) -> None:
    catalog = Catalog(existing_catalog)
    catalog.register_model_version("topics", 1)
    catalog.set_alias("topics", "production", 1)

    result = cli("--register", "topics@production", "--name", "topics-final",
                 "--catalog", existing_catalog)
    by_number = cli("--register", "topics@v1", "--name", "topics-final",
                    "--catalog", existing_catalog)
    unknown = cli("--register", "topics@staging", "--name", "x", "--catalog", existing_catalog)

    assert result.code == 0 and by_number.code == 0, result.both + by_number.both
    assert [v.run_id for v in catalog.model_versions("topics-final")] == [1, 1]
    assert_one_error_line(unknown, ("--register topics@staging: ", "no alias 'staging'"))


def test_register_an_exported_file_of_the_run(cli: CliRunner, existing_catalog: Path,
                                              tmp_path: Path) -> None:
    exported = cli("--export", "1", "--format", "onnx", "--out", tmp_path / "onnx",
                   "--catalog", existing_catalog)
    assert exported.code == 0, exported.both
    [export] = Catalog(existing_catalog).list_exports(1)

    result = cli("--register", "1", "--export-id", str(export.id), "--name", "topics",
                 "--catalog", existing_catalog)

    assert result.code == 0, result.both
    assert f"registered file {export.id} (onnx) of run 1" in result.out
    [version] = Catalog(existing_catalog).model_versions("topics")
    assert (version.export_id, version.export_uid) == (export.id, export.uid)
    listing = cli("--versions", "topics", "--catalog", existing_catalog)
    assert f"{export.id} onnx (passed)" in listing.out


def test_an_export_id_needs_register_and_a_foreign_one_is_refused(
        cli: CliRunner, existing_catalog: Path) -> None:
    misuse = cli("--versions", "topics", "--export-id", "1", "--catalog", existing_catalog)
    assert misuse.code == 2 and "--export-id only works with --register" in misuse.err
    before = _registry_rows(existing_catalog)

    missing = cli("--register", "1", "--export-id", "99", "--name", "topics",
                  "--catalog", existing_catalog)

    assert missing.code == 2
    assert_one_error_line(missing, ("no exported model 99",))
    assert _registry_rows(existing_catalog) == before
