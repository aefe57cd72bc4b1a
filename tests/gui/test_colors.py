"""Run colours: the palette stays distinct (CIEDE2000) for 24 runs with the colour-blind-safe
eight first, and a comparison gives every shown run its own colour, keeping each run's colour
while it stays shown."""

from __future__ import annotations

import itertools

import pytest
from color_distance import ciede2000, distance

from app.gui.colors import OKABE_ITO, PALETTE, assign_colors, run_color

SHARMA_PAIRS = [  # Sharma, Wu & Dalal (2005), table 1: Lab, Lab, ΔE00
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("first", "second", "expected"), SHARMA_PAIRS)
def test_the_distance_is_ciede2000(first, second, expected) -> None:  # noqa: ANN001
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)


def min_distance(colors) -> float:  # noqa: ANN001
    return min(distance(a, b) for a, b in itertools.combinations(colors, 2))


def test_24_colours_stay_distinct_and_the_colour_blind_safe_ones_come_first() -> None:
    assert PALETTE[:8] == OKABE_ITO and len(set(PALETTE)) == len(PALETTE) == 24
    assert min_distance(OKABE_ITO) > 21
    assert min_distance(PALETTE) > 17  # a just-noticeable difference is about 1–2
    assert min_distance(PALETTE[:20]) > 17


def test_a_comparison_gives_every_shown_run_its_own_colour() -> None:
    colors = assign_colors([3, 11])  # both are green by id
    assert colors[3] == run_color(3) == run_color(11) and colors[11] != colors[3]
    many = assign_colors(range(1, 25))
    assert len(set(many.values())) == 24
    assert [many[run_id] for run_id in range(1, 9)] == list(OKABE_ITO)  # own colours kept


def test_runs_keep_their_colour_while_they_stay_shown() -> None:
    first = assign_colors([3, 11, 5])
    later = assign_colors([11, 5, 19, 3], first)  # reordered, one added
    assert all(later[run_id] == first[run_id] for run_id in first)
    assert later[19] not in {first[3], first[11], first[5]}
    freed = assign_colors([11, 27], assign_colors([11], first))  # 3 left: its green is free
    assert freed[27] == run_color(27) == run_color(3)


def test_beyond_the_palette_colours_repeat_in_order() -> None:
    colors = assign_colors(range(1, 31))
    assert len(set(colors.values())) == 24 and colors[25] == PALETTE[0]
