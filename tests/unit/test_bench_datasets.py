"""bench.datasets' camera warps keep the whole table in the picture."""
from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw

from bench import datasets


def test_perspective_keeps_every_corner_of_the_page_in_the_frame():
    page = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(page)
    corners = [(0, 0), (390, 0), (390, 290), (0, 290)]
    for x, y in corners:
        draw.rectangle((x, y, x + 9, y + 9), fill="black")
    for seed in range(20):
        warped = np.asarray(datasets._perspective(page, random.Random(seed), 16).convert("L"))
        h, w = warped.shape
        for x, y in corners:
            cx, cy = min(x, w - 40), min(y, h - 40)
            assert (warped[cy:cy + 40, cx:cx + 40] < 100).sum() >= 40, (seed, x, y)
