"""Run colours: colour-blind-safe first, and distinct for 24 runs shown at once.

Okabe & Ito's palette (2008), distinguishable under the common colour-vision deficiencies,
comes first; ``run_color(id)`` cycles through it, so a run has the same colour in every table
of the window. Eight colours repeat (runs 3 and 11 are both green), so a view showing many
runs together (Compare) asks ``assign_colors`` for one colour per shown run instead: each run
keeps its own Okabe–Ito colour while no other shown run holds it, else it gets the next free
one of ``PALETTE``, whose 16 extra colours were chosen greedily (farthest point in CIEDE2000
from all before it, among sRGB colours with L* 25–70 and chroma ≥ 20 so that they read on
white): the smallest CIEDE2000 difference of any two of the 24 is 17.9, the Okabe–Ito eight
alone 21.7 (``tests/gui/test_colors.py`` measures it). A run keeps its colour while it stays
shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
EXTRA = (
    "#661199", "#555500", "#880022", "#005555", "#FF0044", "#889922", "#8866FF", "#663300",
    "#DD9988", "#BB1177", "#776688", "#007711", "#997733", "#334466", "#FF00FF", "#44BBBB",
)
PALETTE = OKABE_ITO + EXTRA


def run_color(run_id: int) -> str:
    """The run's own colour (by id): the same in every table and list of the window."""
    return OKABE_ITO[(run_id - 1) % len(OKABE_ITO)]


def series_color(index: int) -> str:
    """Colour for the index-th series of one plot (train, validation, ...)."""
    return OKABE_ITO[index % len(OKABE_ITO)]


def assign_colors(run_ids: Iterable[int],
                  kept: Mapping[int, str] | None = None) -> dict[int, str]:
    """One colour per run of ``run_ids``, distinct for up to ``len(PALETTE)`` runs.

    Runs in ``kept`` (the previous assignment) keep theirs; a new run gets its own
    ``run_color`` when no shown run holds it, else the first free colour of ``PALETTE``.
    Beyond the palette, colours repeat in order.
    """
    ids = list(dict.fromkeys(int(run_id) for run_id in run_ids))
    colors = {run_id: kept[run_id] for run_id in ids if kept and run_id in kept}
    used = set(colors.values())
    for number, run_id in enumerate(ids):
        if run_id in colors:
            continue
        free = [color for color in (run_color(run_id), *PALETTE) if color not in used]
        colors[run_id] = free[0] if free else PALETTE[number % len(PALETTE)]
        used.add(colors[run_id])
    return {run_id: colors[run_id] for run_id in ids}
