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


def _photographed_from_below(image: Image.Image, lift: float) -> Image.Image:
    """The page as a camera below its centre sees it: the top edge tilts one way and the
    bottom edge the other, each end moving by ``lift`` of the height."""
    import cv2
    import numpy as np

    w, h = image.size
    d = lift * h
    seen = np.float32([[0, d], [w, -d], [w, h + d], [0, h - d]])
    level = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(level, seen)
    m = np.linalg.inv(m)  # PIL wants, for each output pixel, where it comes from
    return image.transform(image.size, Image.PERSPECTIVE, tuple((m.flatten() / m[2, 2])[:8]),
                           resample=Image.BICUBIC, fillcolor="white")


def test_rows_tilting_apart_in_a_photo_are_made_level():
    from services.preprocess import keystone_angles

    rows = SALES + [[f"Row {i}", f"{i * 7},{i}00.25", f"{i}.5%", "2024-05-0" + str(i)] for i in range(1, 9)]
    image = render_table(rows, size=(1000, 720), bordered=False)
    _, top, _, bottom = keystone_angles(_photographed_from_below(image, 0.02))
    assert top - bottom >= 1.0
    level, _ = straighten(_photographed_from_below(image, 0.02))
    _, top, _, bottom = keystone_angles(level)
    assert abs(top) <= 0.3 and abs(bottom) <= 0.3
    assert keystone_angles(image)[1::2] == (0.0, 0.0)


def _photographed_from_beside(image: Image.Image, lean: float) -> Image.Image:
    """The page as a camera beside its centre sees it: the left columns lean one way and the
    right ones the other, each corner moving by ``lean`` of the width."""
    import cv2
    import numpy as np

    w, h = image.size
    d = lean * w
    seen = np.float32([[d, 0], [w - d, 0], [w + d, h], [-d, h]])
    level = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = np.linalg.inv(cv2.getPerspectiveTransform(level, seen))
    return image.transform(image.size, Image.PERSPECTIVE, tuple((m.flatten() / m[2, 2])[:8]),
                           resample=Image.BICUBIC, fillcolor="white")


def test_columns_leaning_apart_in_a_photo_are_stood_upright():
    from services.preprocess import column_keystone

    rows = SALES + [[f"Row {i}", f"{i * 7},{i}00.25", f"{i}.5%", "2024-05-0" + str(i)] for i in range(1, 9)]
    image = render_table(rows, size=(1000, 720), bordered=False)
    leaning = _photographed_from_beside(image, 0.015)
    _, left, _, right = column_keystone(leaning)
    assert abs(left - right) >= 1.0
    upright, _ = straighten(leaning)
    _, left, _, right = column_keystone(upright)
    assert abs(left) <= 0.3 and abs(right) <= 0.3
    assert column_keystone(image)[1::2] == (0.0, 0.0)
