"""``flask convert IMAGE... -o out.xlsx``: the pipeline in-process, with no Redis or worker."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask

from config import load_settings
from services.images import InvalidImage
from services.ocr import create_engine
from services.pipeline import convert_image
from services.xlsx import WorkbookEntry, write_workbook


@click.command("convert")
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--layout", type=click.Choice(["sheet_per_image", "single_sheet"]), default="sheet_per_image")
@click.option("--engine", default=None, help="OCR engine (default: OCR_ENGINE)")
@click.option("--locale", default="en")
@click.option("--no-highlight", is_flag=True, help="do not mark low-confidence cells")
def convert_command(images, output, layout, engine, locale, no_highlight):
    settings = load_settings()
    started = time.perf_counter()
    ocr = create_engine(engine or settings.ocr_engine, threads=settings.ocr_threads)
    click.echo(f"engine {ocr.name} {ocr.version} loaded in {time.perf_counter() - started:.2f}s", err=True)
    entries = []
    for path in images:
        started = time.perf_counter()
        try:
            result = convert_image(path.read_bytes(), ocr, max_pixels=settings.max_image_pixels, locale=locale)
            entries.append(WorkbookEntry(path.name, result, None))
            click.echo(f"{path.name}: {len(result.tables)} table(s) in {time.perf_counter() - started:.2f}s", err=True)
        except InvalidImage as exc:
            entries.append(WorkbookEntry(path.name, None, exc.message))
            click.echo(f"{path.name}: {exc.message}", err=True)
    output.write_bytes(write_workbook(entries, layout=layout,
                                      highlight_low_confidence=None if no_highlight else settings.low_confidence))
    click.echo(str(output))
    if not any(e.result for e in entries):
        sys.exit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(convert_command)
