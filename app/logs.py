"""Log file set-up: tracebacks and details go here, never to the user's terminal."""

from __future__ import annotations

import logging
import os
from pathlib import Path


def log_file() -> Path:
    """``$MODELDESK_LOG_DIR/modeldesk.log`` or the platform's user log folder."""
    folder = os.environ.get("MODELDESK_LOG_DIR")
    if folder:
        return Path(folder) / "modeldesk.log"
    from platformdirs import user_log_path

    return user_log_path("ModelDesk", appauthor=False) / "modeldesk.log"


def setup_logging(level: int = logging.INFO) -> None:
    """Send records of the ``app`` loggers to the log file (created on demand).

    A process that torchrun started with a non-zero ``RANK`` writes no file: its warnings go
    to stderr prefixed with its rank (rank zero keeps the log, as one process does).
    """
    rank = os.environ.get("RANK", "0")
    if rank != "0" and "WORLD_SIZE" in os.environ:
        handler: logging.Handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter(
            f"[rank {rank}] %(levelname)s %(name)s: %(message)s"))
        _attach(handler, level)
        return
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        handler = logging.NullHandler()  # a read-only home must not stop training
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _attach(handler, level)


def _attach(handler: logging.Handler, level: int) -> None:
    for name in ("app", "modeldesk"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(isinstance(h, type(handler)) for h in logger.handlers):
            logger.addHandler(handler)
