"""Start-up recovery: runs whose process is gone are marked ``interrupted``, never left stuck.

A run killed with its process (SIGKILL, a crash, a power cut, a laptop lid) stays ``running`` or
``queued`` in the catalog. The app and batch mode call ``recover_interrupted`` when they start:
it finds those runs (same machine: the pid is gone; another machine sharing the file: no
heartbeat for a while), marks them interrupted (resumable from their last checkpoint, or from
scratch if they never reached one), removes what their killed writes left half-done and records
the files they did finish, so the catalog describes them truthfully.
"""

from __future__ import annotations

import logging

from app.core.catalog import Catalog, RunRecord
from app.core.errors import CatalogError
from app.core.models import ARTIFACT_KINDS, RunFolder

log = logging.getLogger(__name__)

MESSAGE = ("its process ended without finishing it (killed, crashed or switched off); "
           "resume it to continue from its last completed epoch")


def recover_interrupted(catalog: Catalog) -> list[RunRecord]:
    """Mark the catalog's abandoned runs interrupted; return them as they are now."""
    found = catalog.interrupted_runs()
    if not found:
        return []
    catalog.mark_interrupted([run.id for run in found], MESSAGE)
    recovered = []
    for run in found:
        folder = RunFolder(run.run_dir)
        for stray in folder.remove_temporaries():
            log.info("removed %s left by run %s's killed process", stray, run.id)
        for kind in ARTIFACT_KINDS:
            path = folder.file(kind)
            if path.is_file():
                try:
                    catalog.add_artifact(run.id, kind.kind, path, kind.format)
                except CatalogError as error:  # recorded later, when the run ends
                    log.warning("artifact of interrupted run %s not recorded: %s", run.id, error)
        recovered.append(catalog.get_run_record(run.id))
    return recovered
