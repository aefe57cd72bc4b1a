"""Run colours: one stable, colour-blind-safe colour per run everywhere in the window.

Okabe & Ito's palette (2008), distinguishable under the common colour-vision deficiencies.
A run's colour depends only on its id, so it is the same in every plot and table.
"""

from __future__ import annotations

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)


def run_color(run_id: int) -> str:
    return OKABE_ITO[(run_id - 1) % len(OKABE_ITO)]


def series_color(index: int) -> str:
    """Colour for the index-th series of one plot (train, validation, ...)."""
    return OKABE_ITO[index % len(OKABE_ITO)]
