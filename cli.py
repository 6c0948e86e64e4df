"""``flask convert IMAGE... -o out.xlsx``: the pipeline in-process, with no Redis or worker."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from config import load_settings
from controllers import api_keys
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
    ocr = create_engine(engine or settings.ocr_engine, settings)
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




keys_group = AppGroup("keys", help="Create, list and revoke API keys.")


def _context():
    from flask import current_app

    return current_app.extensions["tablesnap"]


@keys_group.command("create")
@click.option("--name", required=True)
@click.option("--rate", default=None, help='requests per key, e.g. "60/minute"')
@click.option("--quota", default=None, help='e.g. "1000/day"')
def keys_create(name, rate, quota):
    created = api_keys.create_key(_context(), {"name": name, "rate": rate, "quota": quota})
    click.echo(f"API key (shown once): {created['api_key']}")
    click.echo(f"id: {created['id']}")


@keys_group.command("list")
def keys_list():
    for key in api_keys.list_keys(_context())["keys"]:
        state = "revoked" if key["revoked"] else "active"
        click.echo(f"{key['id']}  {state:8s} {key['request_count']:>8d} requests  "
                   f"last used {key['last_used_at'] or '-'}  {key['name']}")


@keys_group.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id):
    api_keys.revoke_key(_context(), key_id)
    click.echo(f"revoked {key_id}")


def init_app(app: Flask) -> None:
    app.cli.add_command(convert_command)
    app.cli.add_command(keys_group)
