"""Predicting with a trained run ("try it"): the run's best weights plus its preprocessing.

Importing this package does not import torch; building a :class:`Predictor` does.
"""

from app.core.inference._cache import clear_predictor_cache, load_predictor
from app.core.inference._predictor import ClassScore, Item, Predictor

__all__ = ["ClassScore", "Item", "Predictor", "clear_predictor_cache", "load_predictor"]
