"""Skew measured on the ink, and only a real skew changes the pixels."""
from __future__ import annotations

import pytest
from PIL import Image, ImageOps

from services.preprocess import skew_angle, straighten
from tests.imaging import SALES, render_table


@pytest.mark.parametrize("bordered", [True, False])
@pytest.mark.parametrize("degrees", [-5.0, -2.5, 0.7, 3.0, 4.6])
def test_skew_of_a_rotated_table_is_measured(bordered, degrees):
    image = render_table(SALES, bordered=bordered).rotate(degrees, expand=True, fillcolor="white",
                                                          resample=Image.BICUBIC)
    assert skew_angle(image) == pytest.approx(degrees, abs=0.15)


def test_dark_mode_skew_is_measured():
    dark = ImageOps.invert(render_table(SALES, bordered=False))
    assert skew_angle(dark.rotate(-3.5, expand=True, fillcolor="black", resample=Image.BICUBIC)) \
        == pytest.approx(-3.5, abs=0.15)


def test_level_image_is_returned_untouched():
    image = render_table(SALES)
    assert straighten(image) == (image, 0.0)


def test_blank_image_has_no_skew():
    assert skew_angle(Image.new("RGB", (400, 300), "white")) == 0.0


def test_straightened_image_is_level_and_filled_with_the_background():
    dark = ImageOps.invert(render_table(SALES, bordered=False))
    level, angle = straighten(dark.rotate(4.0, expand=True, fillcolor="black", resample=Image.BICUBIC))
    assert angle == pytest.approx(4.0, abs=0.15)
    assert abs(skew_angle(level)) < 0.2
    assert level.getpixel((0, 0)) == (0, 0, 0)


def test_columns_leaning_in_a_photo_taken_at_an_angle_are_stood_upright():
    from services.preprocess import shear_angle

    image = render_table(SALES)
    t = 0.05  # columns lean about 2.9 degrees
    leaning = image.transform((image.width + 30, image.height), Image.AFFINE, (1, -t, 0, 0, 1, 0),
                              resample=Image.BICUBIC, fillcolor="white")
    assert abs(shear_angle(leaning)) >= 2.5
    upright, _ = straighten(leaning)
    assert abs(shear_angle(upright)) < 0.5
    assert shear_angle(image) == 0.0
