"""Several files that appear together or not at all.

An export is a model file, its ``model.json`` and maybe a tokenizer: a kill or a full disk
half-way must not leave a model without its description (or the reverse). Each file is
written under a temporary name beside its final one, and only when every write succeeded are
they renamed into place; on any failure the temporaries are deleted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.export._errors import ExportError


class Staging:
    """Temporary paths handed out by :meth:`path`, renamed by :func:`staged` on success."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []

    def path(self, final: Path) -> Path:
        """Where to write what will become ``final``."""
        # The suffix stays last: torch.export.save warns about names not ending in .pt2.
        temporary = final.with_name(
            f".{final.stem}.{os.getpid()}.{len(self.pending)}.tmp{final.suffix}")
        self.pending.append((temporary, final))
        return temporary


@contextmanager
def staged() -> Iterator[Staging]:
    """Hand out temporary paths; rename them all into place when the block succeeds."""
    staging = Staging()
    try:
        yield staging
        done: list[Path] = []
        try:
            for temporary, final in staging.pending:
                with open(temporary, "rb+") as handle:
                    os.fsync(handle.fileno())
                os.replace(temporary, final)
                done.append(final)
        except BaseException:
            for final in done:
                final.unlink(missing_ok=True)
            raise
    except OSError as error:
        folder = staging.pending[0][1].parent if staging.pending else Path(".")
        raise ExportError(f"cannot write the export into {folder} "
                          f"({error.strerror or error}); choose a folder you can write to "
                          "with enough free space") from None
    finally:
        for temporary, _ in staging.pending:
            temporary.unlink(missing_ok=True)


def writable_folder(folder: Path) -> Path:
    """``folder``, created if missing; ``ExportError`` naming it when it cannot be written."""
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".modeldesk-write-test.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ExportError(f"cannot write into {folder} ({error.strerror or error}); choose "
                          "another output folder") from None
    return folder
