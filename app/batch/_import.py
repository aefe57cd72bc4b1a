"""``main.py --import-runs SOURCE ...``: bring other catalogs' runs into this one.

Each worker of a shared search keeps its own SQLite catalog (SQLite is not for many machines
at once); this is how their trials meet on the desktop. Sources are read-only and imported one
after the other, each in one transaction: a source that fails leaves the others imported.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app.batch._runner import EXIT_INVALID, EXIT_OK
from app.core.catalog import Catalog
from app.core.errors import ModelDeskError


def import_catalogs(sources: Sequence[Path], catalog_path: Path, *, out: TextIO | None = None,
                    err: TextIO | None = None) -> int:
    """Import every source; exit 0 when all were read, 2 when one was refused."""
    out, err = out or sys.stdout, err or sys.stderr
    code = EXIT_OK
    try:
        catalog = Catalog(catalog_path)
    except ModelDeskError as error:
        print(f"error: {error}", file=err)
        return EXIT_INVALID
    for source in sources:
        try:
            report = catalog.import_runs(source)
        except ModelDeskError as error:
            print(f"error: {error}", file=err)
            code = EXIT_INVALID
            continue
        print(report.summary(), file=out, flush=True)
        for problem in report.problems:
            print(f"  warning: {problem}", file=out)
    return code
