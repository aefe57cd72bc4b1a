"""Fixtures for compression tests: the tiny trained runs of ``compress_runs``."""

from tests.core.compress.compress_runs import cnn_run, text_run

__all__ = ["cnn_run", "text_run"]
