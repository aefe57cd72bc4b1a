"""Headless batch mode: experiment files in, catalog runs and a summary out. No Qt."""

from app.batch._export import EXIT_PARITY_FAILED, export_model
from app.batch._labels import check_dataset_labels
from app.batch._runner import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_RUN_FAILED,
    reproduce_run,
    resume_run,
    run_batch,
    stop_on_interrupt,
)
from app.batch._summary import format_table, summary_records, write_summary_json

__all__ = ["EXIT_INTERRUPTED", "EXIT_INVALID", "EXIT_OK", "EXIT_PARITY_FAILED", "EXIT_RUN_FAILED",
           "check_dataset_labels", "export_model", "format_table",
           "reproduce_run", "resume_run", "run_batch", "stop_on_interrupt", "summary_records",
           "write_summary_json"]
