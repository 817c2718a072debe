"""The map's category colours stay apart for readers with a colour-vision deficiency.

Each colour the map gives a category (``PALETTE``), the "other" colour and the colour of statements
with no category are simulated for protanopia, deuteranopia and tritanopia with the matrices of
Machado, Oliveira and Fernandes (2009, severity 1.0, applied to linear sRGB), converted to CIELAB
(D65) and compared pairwise with CIEDE2000.  The minimum asked for is 10 ΔE00: about five times the
just-noticeable difference of large patches (ΔE00 ≈ 2), the margin that marks as small as a map's
points (10 px) need to be told apart at a glance (Szafir 2017, "Modeling Color Difference for
Visualization Design").  The figures measured are in benchmarks/MAPS.md.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from maps._html import DEFAULT_COLOR, OTHER_COLOR, PALETTE

MIN_DELTA_E = 10.0

#: Machado et al. (2009), severity 1.0, for linear RGB.
VISION = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
#: Linear sRGB to CIE XYZ (D65).
SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)


def linear_rgb(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB of a linear sRGB colour, white point D65."""
    xyz = SRGB_TO_XYZ @ rgb / (SRGB_TO_XYZ @ np.ones(3))
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = (
        -np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
        * 2
        * np.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    )
    return float(
        np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))
    )


def seen(hex_colour: str, vision: str) -> np.ndarray:
    return lab(np.clip(VISION[vision] @ linear_rgb(hex_colour), 0, 1))


def closest_pair(colours: list[str], vision: str) -> tuple[float, str, str]:
    return min(
        (ciede2000(seen(a, vision), seen(b, vision)), a, b) for a, b in itertools.combinations(colours, 2)
    )


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # pairs 1, 7, 17 and 25 of Sharma, Wu and Dalal's test data
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1: tuple, lab2: tuple, expected: float) -> None:
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("vision", sorted(VISION))
def test_simulation_keeps_white_and_black(vision: str) -> None:
    assert np.allclose(VISION[vision] @ np.ones(3), 1, atol=1e-3)
    assert np.allclose(seen("#ffffff", vision), [100, 0, 0], atol=0.2)
    assert np.allclose(seen("#000000", vision), [0, 0, 0])


@pytest.mark.parametrize("vision", sorted(VISION))
def test_category_colours_stay_apart(vision: str) -> None:
    colours = [*PALETTE, OTHER_COLOR, DEFAULT_COLOR]
    assert len({c.lower() for c in colours}) == len(colours)
    distance, a, b = closest_pair(colours, vision)
    assert distance >= MIN_DELTA_E, f"{a} and {b}: {distance:.1f} ΔE00 for {vision}"


def test_the_old_palette_fails_where_the_issue_said() -> None:
    """Paul Tol's "muted" scheme with the grey for "other", which the map used before: two colours
    under 5 ΔE00 apart for deuteranopes (the issue measured 3.2 on its own palette)."""
    muted = [
        "#332288",
        "#88CCEE",
        "#44AA99",
        "#117733",
        "#999933",
        "#DDCC77",
        "#CC6677",
        "#882255",
        "#AA4499",
    ]
    distance, _, _ = closest_pair([*muted, "#8A8A8A", "#4a5a6a"], "deuteranopia")
    assert distance < 5
