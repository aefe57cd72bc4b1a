"""Bad search spaces: exit 2 with one line naming the file, the experiment and the key, before
any trial runs, with the catalog byte-for-byte as it was and no Optuna storage created."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bad_inputs.checks import CatalogSnapshot, CliRunner, assert_refused
from tests.bad_inputs.search_cases import SEARCH_CASES
from tests.batch.cli_helpers import write_toml


@pytest.mark.parametrize("case", list(SEARCH_CASES))
def test_a_bad_search_is_refused_before_any_trial(case: str, cli: CliRunner, table: Path,
                                                  existing_catalog: Path) -> None:
    bad = write_toml(table.parent / "bad.toml", SEARCH_CASES[case][0])
    before = CatalogSnapshot(existing_catalog)

    result = cli("--batch", bad, "--catalog", existing_catalog)

    assert_refused(result, *SEARCH_CASES[case][1])
    assert "search(es) from" not in result.out
    before.assert_unchanged()
    assert not list(existing_catalog.parent.glob("*optuna*"))
