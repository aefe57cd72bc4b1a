"""Fixtures for analysis tests: the tiny runs of ``analysis_runs``."""

from tests.core.analysis.analysis_runs import runs

__all__ = ["runs"]
