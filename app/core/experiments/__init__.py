"""Experiment files (TOML): ``[defaults]``, ``[[experiment]]`` tables and grids, read into
jobs the window's queue and batch mode run alike."""

from app.core.experiments._files import Experiment, read_experiments

__all__ = ["Experiment", "read_experiments"]
