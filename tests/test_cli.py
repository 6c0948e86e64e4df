"""`flask convert`: the same pipeline in-process, with no Redis or worker."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import openpyxl

from tests.conftest import ROOT
from tests.imaging import SALES, png_bytes, render_table


def test_flask_convert_writes_a_typed_workbook(tmp_path):
    image = tmp_path / "sales.png"
    image.write_bytes(png_bytes(render_table(SALES)))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    out = tmp_path / "out.xlsx"
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0"}  # proves no Redis is needed
    done = subprocess.run([sys.executable, "-m", "flask", "convert", str(image), str(broken), "-o", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["sales", "broken", "Summary"]
    rows = [list(r) for r in book["sales"].iter_rows(values_only=True)]
    assert rows[0] == SALES[0] and rows[1] == ["North", 1234.5, 0.125, dt.datetime(2024, 1, 15)]
    assert "broken.png" in done.stderr
