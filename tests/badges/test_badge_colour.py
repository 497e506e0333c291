"""Colour arithmetic behind category warnings and security tints: CIEDE2000 against the
published test data, colour-vision simulation, ink and tint choices."""
import pytest

from badges.colour import (NEAR_COLOUR_DELTA_E, at_lightness, ciede2000, colour_difference,
                           ink_on, lab, near_colours, parse_hex)

# Sharma, Wu and Dalal (2005), table 1: (L1, a1, b1), (L2, a2, b2), dE00.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), 7.1792),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
    ((50.0, -0.0010, 2.4900), (50.0, 0.0009, -2.4900), 4.8045),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize("first, second, expected", SHARMA)
def test_ciede2000_matches_the_published_test_data(first, second, expected):
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)


def test_srgb_white_and_black_are_lightness_100_and_0():
    assert lab((1, 1, 1)) == pytest.approx((100, 0, 0), abs=0.01)
    assert lab((0, 0, 0)) == pytest.approx((0, 0, 0), abs=0.01)


def test_two_reds_of_a_family_are_near_and_red_and_blue_are_not():
    assert colour_difference("#B71C1C", "#D32F2F") < NEAR_COLOUR_DELTA_E
    assert colour_difference("#D32F2F", "#1565C0") > 40
    assert colour_difference("#D32F2F", "#D32F2F") == 0


def test_red_and_green_look_alike_to_people_with_deuteranopia():
    assert colour_difference("#D32F2F", "#2E7D32") > 40
    assert colour_difference("#D32F2F", "#2E7D32", "deuteranopia") < NEAR_COLOUR_DELTA_E


def test_near_colours_lists_the_close_ones_closest_first():
    found = near_colours("#C62828", [("E Head", "#B71C1C"), ("D Delegate", "#D32F2F"),
                                     ("C Organiser", "#1565C0")])
    assert {n.label for n in found} == {"E Head", "D Delegate"}
    assert found[0].delta_e <= found[1].delta_e and all(n.vision == "normal" for n in found)


def test_ink_is_black_on_yellow_and_white_on_navy():
    assert ink_on(parse_hex("#FFD100")) == (0, 0, 0)
    assert ink_on(parse_hex("#14233C")) == (1, 1, 1)


@pytest.mark.parametrize("colour", ["#C8102E", "#0057B8", "#2E7D32", "#37474F"])
def test_a_security_tint_has_the_asked_lightness_whatever_the_category(colour):
    assert lab(at_lightness(colour, 85))[0] == pytest.approx(85, abs=0.2)


def test_a_colour_already_lighter_than_the_tint_is_kept():
    assert at_lightness("#FFF176", 85) == parse_hex("#FFF176")
