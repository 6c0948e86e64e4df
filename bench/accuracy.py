"""Table recovery accuracy of the in-process pipeline (and of img2table) on images with truth.

    .venv/bin/python -m bench.accuracy DIR [DIR ...] [--engine rapidocr [tesseract ...]] [--img2table]
        [--by-tag] [--score ../shared/eval/score.py] [--json OUT] [--limit N]

A DIR holds images (png, jpg, jpeg, webp, tif, bmp) each beside ``<id>.json`` truth:
``{"rows": [[cell, ...], ...]}``, optionally with ``"spans": [[row, col, rowspan, colspan], ...]``
and ``"tags": [...]`` (``bench.datasets`` writes such sets; ``shared/eval`` holds real ones).

Each engine is loaded once; each image goes through ``services.pipeline.convert_image`` (timed),
its workbook is written as ``<id>.xlsx`` and scored by ``score.py``'s own functions, so cell
accuracy, rows/cols and the numeric-typed share are the official metric's figures. Also:

* cells as displayed: truth against our ``Cell.text`` with score.py's ``same`` (a date stored as
  a real date never matches the official metric, which compares a datetime by ``str()``);
* TEDS (PubTabNet's tree edit distance similarity, with the ``apted`` package) between the truth
  grid and the first recovered table, spans included;
* typed*: the numeric-typed share with leading-zero ids ("00731") left out, which we keep as text
  on purpose while score.py counts them as numbers (``kept_as_text`` in ``--json`` lists them).

``--img2table`` runs img2table (Tesseract OCR) on the same images, its largest table written as
``<id>.csv`` and scored the same way; and img2table again with our RapidOCR engine as its OCR.
img2table and apted are optional (``bench/requirements-accuracy.txt``).

``--json`` holds every figure per image and system, each wrong cell as [row, col, truth,
stored value, shown text, numeric truth?], and the checkout (``git describe``) measured.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from config import Settings, load_settings
from services.model import ImageResult, Table
from services.ocr import EngineUnavailable, create_engine
from services.pipeline import convert_image
from services.xlsx import WorkbookEntry, write_workbook

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCORE = ROOT.parent / "shared" / "eval" / "score.py"
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp")

# A span grid for TEDS: (n_rows, n_cols, [(row, col, rowspan, colspan, text), ...] anchors).
SpanGrid = tuple[int, int, list[tuple[int, int, int, int, str]]]


# --- cases and the official scorer ---------------------------------------------------------

@dataclass
class Case:
    id: str
    image: Path
    truth: dict

    @property
    def tags(self) -> list[str]:
        return self.truth.get("tags", [])


def load_score(path: Path) -> ModuleType:
    """score.py imported from its file, so every figure is computed by its own code."""
    spec = importlib.util.spec_from_file_location("eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_cases(directory: Path, limit: int | None) -> list[Case]:
    cases = []
    for image in sorted(directory.iterdir()):
        truth = image.with_suffix(".json")
        if image.suffix.lower() in IMAGE_EXTS and truth.exists():
            cases.append(Case(image.stem, image, json.loads(truth.read_text(encoding="utf-8"))))
    return cases[:limit] if limit else cases


def truth_grid(truth: dict) -> SpanGrid:
    rows = truth["rows"]
    return span_grid(len(rows), max((len(r) for r in rows), default=0),
                     [(r, c, rs, cs, rows[r][c]) for r, c, rs, cs in truth.get("spans", [])],
                     lambda r, c: rows[r][c] if c < len(rows[r]) else "")


def span_grid(n_rows: int, n_cols: int, spans: list[tuple[int, int, int, int, str]],
              text_at) -> SpanGrid:
    """Anchors for ``spans`` plus a 1x1 anchor (text from ``text_at``) at every other position."""
    covered = {(rr, cc) for r, c, rs, cs, _ in spans
               for rr in range(r, r + rs) for cc in range(c, c + cs)}
    plain = [(r, c, 1, 1, text_at(r, c)) for r in range(n_rows) for c in range(n_cols)
             if (r, c) not in covered]
    return n_rows, n_cols, sorted(spans + plain)


# --- TEDS ----------------------------------------------------------------------------------

class _Node:
    def __init__(self, tag: str, text: str = "", rowspan: int = 1, colspan: int = 1, children=()):
        self.tag, self.text, self.rowspan, self.colspan = tag, text, rowspan, colspan
        self.children = list(children)


@lru_cache(maxsize=200_000)
def _normalised_levenshtein(a: str, b: str) -> float:
    if a == b:
        return 0.0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] / max(len(a), len(b))


def _tree(grid: SpanGrid) -> tuple[_Node, int]:
    """table -> tr -> td (with spans and text); the tree and its node count."""
    n_rows, _, anchors = grid
    rows = [_Node("tr") for _ in range(n_rows)]
    for r, _, rs, cs, text in anchors:
        rows[r].children.append(_Node("td", " ".join(str(text).split()), rs, cs))
    return _Node("table", children=rows), 1 + n_rows + len(anchors)


def teds(truth: SpanGrid, pred: SpanGrid) -> float | None:
    """1 - tree edit distance / nodes of the larger tree (PubTabNet's definition, floored at 0);
    None when apted is not installed. Renaming a td costs the normalised Levenshtein distance
    of the texts when both spans agree and 1 otherwise."""
    try:
        from apted import APTED, Config
    except ImportError:
        return None

    class TedsConfig(Config):
        valuecls = float

        def rename(self, a, b):
            if a.tag != b.tag or (a.rowspan, a.colspan) != (b.rowspan, b.colspan):
                return 1.0
            return _normalised_levenshtein(a.text, b.text) if a.tag == "td" else 0.0

        def children(self, node):
            return node.children

    (t1, n1), (t2, n2) = _tree(truth), _tree(pred)
    return max(0.0, 1.0 - APTED(t1, t2, TedsConfig()).compute_edit_distance() / max(n1, n2))


# --- systems under test --------------------------------------------------------------------

@dataclass
class Prediction:
    path: Path                    # <id>.xlsx or <id>.csv for score.py
    seconds: float | None
    grid: SpanGrid                # first/largest table, for TEDS
    displayed: list | None = None  # our Cell.text laid out like the sheet, for "as displayed"
    tables: int = 1               # tables found in the image


class OurPipeline:
    """services.pipeline.convert_image with one engine, written by services.xlsx."""

    kind = "ours"

    def __init__(self, engine_name: str, settings: Settings):
        self.name, self.settings = engine_name, settings
        started = time.perf_counter()
        self.engine = create_engine(engine_name, settings)
        self.load_seconds = time.perf_counter() - started
        self.note = None

    def predict(self, case: Case, pred_dir: Path) -> Prediction:
        data = case.image.read_bytes()
        started = time.perf_counter()
        result = convert_image(data, self.engine, max_pixels=self.settings.max_image_pixels, locale="en")
        seconds = time.perf_counter() - started
        path = pred_dir / f"{case.id}.xlsx"
        path.write_bytes(write_workbook([WorkbookEntry(case.image.name, result)]))
        table = result.tables[0] if result.tables else None
        return Prediction(path, seconds, table_grid(table), displayed_rows(result), len(result.tables))


def table_grid(table: Table | None) -> SpanGrid:
    if table is None:
        return 0, 0, []
    texts = {(c.row, c.col): c.text for c in table.cells}
    spans = [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells
             if c.rowspan > 1 or c.colspan > 1]
    return span_grid(table.n_rows, table.n_cols, spans, lambda r, c: texts.get((r, c), ""))


def displayed_rows(result: ImageResult) -> list[list[tuple]]:
    """Every table's cell texts where the workbook puts them (a title row above a table that has
    one, a blank row between tables), as score.py grid entries (value, number_format, is_number)."""
    rows: list[list[tuple]] = []
    for table in result.tables:
        if rows:
            rows.append([])
        if table.title:
            rows.append([(table.title, "", False)])
        grid = [[("", "", False)] * table.n_cols for _ in range(table.n_rows)]
        for cell in table.cells:
            grid[cell.row][cell.col] = (cell.text, "", False)
        rows.extend(grid)
    return rows


class Img2Table:
    """img2table's extract_tables with an OCR instance; its largest table written as CSV."""

    kind = "img2table"

    def __init__(self, name: str, make_ocr, note: str | None = None):
        self.name, self.note = name, note
        started = time.perf_counter()
        self.ocr = make_ocr()
        self.load_seconds = time.perf_counter() - started

    def predict(self, case: Case, pred_dir: Path) -> Prediction:
        from img2table.document import Image as Img2TableImage

        data = case.image.read_bytes()
        started = time.perf_counter()
        tables = Img2TableImage(src=data).extract_tables(
            ocr=self.ocr, implicit_rows=True, implicit_columns=True, borderless_tables=True,
            min_confidence=50)
        seconds = time.perf_counter() - started
        largest = max(tables, key=lambda t: sum(len(row) for row in t.content.values()), default=None)
        rows = [[cell.value or "" for cell in row] for row in largest.content.values()] if largest else []
        path = pred_dir / f"{case.id}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)  # the values its DataFrame would hold
        return Prediction(path, seconds, img2table_grid(largest), tables=len(tables))


def img2table_grid(table) -> SpanGrid:
    """Spans from img2table's content: a merged cell is the same box at several positions."""
    if table is None:
        return 0, 0, []
    boxes: dict[tuple, list] = {}
    for r, row in enumerate(table.content.values()):
        for c, cell in enumerate(row):
            key = (cell.bbox.x1, cell.bbox.y1, cell.bbox.x2, cell.bbox.y2)
            box = boxes.setdefault(key, [r, c, r, c, cell.value or ""])
            box[2], box[3] = max(box[2], r), max(box[3], c)
    spans = [(r0, c0, r1 - r0 + 1, c1 - c0 + 1, text) for r0, c0, r1, c1, text in boxes.values()
             if (r0, c0) != (r1, c1)]
    texts = {(r0, c0): text for r0, c0, _, _, text in boxes.values()}
    n_cols = max((len(row) for row in table.content.values()), default=0)
    return span_grid(len(table.content), n_cols, spans, lambda r, c: texts.get((r, c), ""))


def engine_as_img2table_ocr(engine):
    """Our OCR engine as an img2table OCRInstance: its words become img2table's OCR records;
    words from one recognised line (same box top and bottom) share a parent, so img2table
    joins them with spaces."""
    from img2table.ocr._types import OCRData, OCRInstance
    from PIL import Image

    class EngineOCR(OCRInstance):
        def of(self, document):
            records = {}
            for page, array in enumerate(document.images):
                words = engine.recognize(Image.fromarray(array))
                records[page] = [{
                    "id": f"w{page}_{i}", "parent": f"l{page}_{w.bbox[1]:.1f}_{w.bbox[3]:.1f}",
                    "value": w.text, "confidence": int(100 * w.confidence),
                    "x1": int(w.bbox[0]), "y1": int(w.bbox[1]), "x2": int(w.bbox[2]), "y2": int(w.bbox[3]),
                } for i, w in enumerate(words)]
            return OCRData(records=records) if any(records.values()) else None

    return EngineOCR()


@contextlib.contextmanager
def quiet_stdout():
    """Silence file descriptor 1 (img2table's Tesseract check prints `tesseract --version`)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def load_systems(engines: list[str], with_img2table: bool, settings: Settings) -> tuple[list, list[str]]:
    """The systems that can run here, and a note for each one that cannot."""
    systems, notes = [], []
    for name in engines:
        try:
            systems.append(OurPipeline(name, settings))
        except EngineUnavailable as e:
            notes.append(f"engine {name} skipped: {e}")
    if not with_img2table:
        return systems, notes
    try:
        from img2table.ocr import TesseractOCR
    except ImportError:
        notes.append("img2table not installed (pip install -r bench/requirements-accuracy.txt): skipped")
        return systems, notes
    try:
        with quiet_stdout():
            systems.append(Img2Table("img2table", lambda: TesseractOCR(n_threads=1, lang="eng"),
                                     "img2table 2.0.0, Tesseract (Debian binary, psm 11)"))
    except OSError as e:  # no tesseract binary or no eng data
        notes.append(f"img2table (Tesseract) skipped: {e}")
    rapid = next((s.engine for s in systems if s.name == "rapidocr"), None)
    try:
        engine = rapid or create_engine("rapidocr", settings)
        systems.append(Img2Table("img2table+rapidocr", lambda: engine_as_img2table_ocr(engine),
                                 "img2table's table finder with our RapidOCR engine as its OCR"))
    except EngineUnavailable as e:
        notes.append(f"img2table+rapidocr skipped: {e}")
    return systems, notes


# --- scoring -------------------------------------------------------------------------------

def score_case(score: ModuleType, case: Case, system, pred_dir: Path) -> dict:
    """score.py's figures for one image, plus TEDS, time, cells as displayed and the misses.
    A crash on an image scores it as an empty prediction (like an unreadable workbook)."""
    truth_rows = case.truth["rows"]
    error = None
    try:
        pred = system.predict(case, pred_dir)
        grid = score.read_pred(str(pred.path))
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
        pred = Prediction(pred_dir / case.id, None, (0, 0, []), [] if system.kind == "ours" else None, 0)
        grid = []
    record = score.score_one(truth_rows, grid)
    shown = score.trim(pred.displayed) if pred.displayed is not None else None
    record.update(
        seconds=pred.seconds, teds=teds(truth_grid(case.truth), pred.grid),
        displayed_exact=score.score_one(truth_rows, shown)["exact"] if shown is not None else None,
        tables=pred.tables, pred_rows=len(grid), pred_cols=max((len(r) for r in grid), default=0),
        misses=misses(score, truth_rows, grid, shown), kept_as_text=kept_as_text(score, truth_rows, grid))
    if error:
        record["error"] = error
    return record


def misses(score: ModuleType, truth_rows: list[list[str]], grid: list, shown: list | None) -> list:
    """[row, col, truth, stored value, shown text, numeric truth?] for each wrong cell."""
    out = []
    for r, row in enumerate(truth_rows):
        for c, t in enumerate(row):
            if score.fold(t) == "":
                continue
            value, fmt, _ = grid[r][c] if r < len(grid) and c < len(grid[r]) else (None, "", False)
            if score.same(t, value, fmt):
                continue
            text = shown[r][c][0] if shown and r < len(shown) and c < len(shown[r]) else None
            out.append([r, c, t, None if value is None else str(value), text, score.number(t) is not None])
    return out


def kept_as_text(score: ModuleType, truth_rows: list[list[str]], grid: list) -> list[str]:
    """Truth of the cells score.py calls numeric that we read right but stored as text."""
    return [t for r, row in enumerate(truth_rows) for c, t in enumerate(row)
            if score.number(t) is not None and r < len(grid) and c < len(grid[r])
            and score.same(t, grid[r][c][0], grid[r][c][1]) and not grid[r][c][2]]


def _leading_zero_id(text: str) -> bool:
    return len(text) > 1 and text.startswith("0") and text.isdigit()


def summarise(records: list[dict]) -> dict:
    cells = sum(r["cells"] for r in records)
    numeric = sum(r["numeric_read"] for r in records)
    seconds = [r["seconds"] for r in records if r["seconds"] is not None]
    tedses = [r["teds"] for r in records if r["teds"] is not None]
    shown = [r["displayed_exact"] for r in records if r["displayed_exact"] is not None]
    return {
        "images": len(records),
        "cell_accuracy": sum(r["exact"] for r in records) / cells if cells else 0.0,
        "cell_accuracy_displayed": sum(shown) / cells if cells and len(shown) == len(records) else None,
        "tables_rows_cols_ok": sum(r["rows_ok"] and r["cols_ok"] for r in records) / len(records),
        "teds_mean": statistics.fmean(tedses) if tedses else None,
        "numeric_typed_share": _share(sum(r["numeric_typed"] for r in records), numeric),
        # leading-zero ids ("00731") are kept as text on purpose; score.py counts them as numbers
        "numeric_typed_share_ids_aside": _share(
            sum(r["numeric_typed"] for r in records),
            numeric - sum(_leading_zero_id(t) for r in records for t in r.get("kept_as_text", []))),
        "seconds_median": statistics.median(seconds) if seconds else None,
        "seconds_mean": statistics.fmean(seconds) if seconds else None,
        "errors": sum("error" in r for r in records),
    }


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def by_tag(cases: list[Case], results: dict[str, dict[str, dict]]) -> dict[str, dict]:
    """Per tag: image count and score.py cell accuracy (exact/cells) for each system."""
    out: dict[str, dict] = {}
    for tag in sorted({t for case in cases for t in case.tags}):
        ids = [case.id for case in cases if tag in case.tags]
        row = {"images": len(ids)}
        for system, per_image in results.items():
            cells = sum(per_image[i]["cells"] for i in ids)
            row[system] = sum(per_image[i]["exact"] for i in ids) / cells if cells else None
        out[tag] = row
    return out


# --- output --------------------------------------------------------------------------------

def _pct(v) -> str:
    return "   -  " if v is None else f"{100 * v:5.1f}%"


def _num(v, spec: str = ".3f") -> str:
    return "  -  " if v is None else format(v, spec)


def image_line(case: Case, results: dict[str, dict[str, dict]], systems: list) -> str:
    parts = [f"{case.id:10s} {','.join(case.tags)[:70]:70s}"]
    for system in systems:
        r = results[system.name][case.id]
        rc = f"{'ok' if r['rows_ok'] else 'NO'}/{'ok' if r['cols_ok'] else 'NO'}"
        typed = f" typed {_pct(r['numeric_typed'] / r['numeric_read'] if r['numeric_read'] else None)}" \
            if system.kind == "ours" else ""
        error = " ERROR" if "error" in r else ""
        parts.append(f"{system.name}: {_pct(r['cell_accuracy'])} {rc} TEDS {_num(r['teds'], '.2f')}{typed} "
                     f"{_num(r['seconds'], '.2f')}s{error}")
    return " | ".join(parts)


def summary_block(directory: str, summaries: dict[str, dict], systems: list) -> list[str]:
    lines = [f"== {directory}: {next(iter(summaries.values()))['images']} images ==",
             f"{'system':20s} {'cells':>7s} {'shown':>7s} {'rows+cols':>9s} {'TEDS':>6s} {'typed':>7s} "
             f"{'typed*':>7s} {'s/img med':>9s} {'mean':>6s} {'load s':>6s}"]
    for system in systems:
        s = summaries[system.name]
        lines.append(f"{system.name:20s} {_pct(s['cell_accuracy']):>7s} "
                     f"{_pct(s['cell_accuracy_displayed']):>7s} {_pct(s['tables_rows_cols_ok']):>9s} "
                     f"{_num(s['teds_mean']):>6s} "
                     f"{_pct(s['numeric_typed_share'] if system.kind == 'ours' else None):>7s} "
                     f"{_pct(s['numeric_typed_share_ids_aside'] if system.kind == 'ours' else None):>7s} "
                     f"{_num(s['seconds_median'], '.2f'):>9s} {_num(s['seconds_mean'], '.2f'):>6s} "
                     f"{system.load_seconds:6.2f}" + (f"  ({s['errors']} errors)" if s["errors"] else ""))
    return lines


def tag_block(tags: dict[str, dict], systems: list) -> list[str]:
    lines = [f"{'tag':16s} {'images':>6s} " + " ".join(f"{s.name:>18s}" for s in systems)]
    for tag, row in tags.items():
        cells = " ".join(f"{_pct(row[s.name]):>18s}" for s in systems)
        lines.append(f"{tag:16s} {row['images']:6d} {cells}")
    return lines


# --- run -----------------------------------------------------------------------------------

def run_dir(directory: Path, systems: list, score: ModuleType, limit: int | None, with_tags: bool,
            work: Path) -> dict:
    cases = find_cases(directory, limit)
    if not cases:
        print(f"== {directory}: empty (no images with <id>.json truth) ==")
        return {"dir": str(directory), "empty": True}
    results: dict[str, dict[str, dict]] = {s.name: {} for s in systems}
    for case in cases:
        for system in systems:
            pred_dir = work / directory.name / system.name
            pred_dir.mkdir(parents=True, exist_ok=True)
            results[system.name][case.id] = score_case(score, case, system, pred_dir)
        print(image_line(case, results, systems), flush=True)
    summaries = {name: summarise(list(per.values())) for name, per in results.items()}
    print("\n".join(summary_block(str(directory), summaries, systems)))
    report = {"dir": str(directory), "empty": False, "summary": summaries,
              "images": [{"id": c.id, "tags": c.tags, **{n: per[c.id] for n, per in results.items()}}
                         for c in cases]}
    if with_tags:
        report["by_tag"] = by_tag(cases, results)
        print("cell accuracy by tag (score.py)\n" + "\n".join(tag_block(report["by_tag"], systems)))
    print()
    return report


def git_version() -> str | None:
    """The checkout the figures are for (``git describe --always --dirty``)."""
    try:
        return subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--engine", nargs="+", default=["rapidocr"])
    ap.add_argument("--img2table", action="store_true")
    ap.add_argument("--by-tag", action="store_true")
    ap.add_argument("--score", type=Path, default=DEFAULT_SCORE)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--limit", type=int)
    a = ap.parse_args(argv)
    score = load_score(a.score)
    systems, notes = load_systems(a.engine, a.img2table, load_settings())
    try:
        import apted  # noqa: F401
    except ImportError:
        notes.append("apted not installed (pip install -r bench/requirements-accuracy.txt): TEDS unavailable")
    for note in notes:
        print(note)
    if not systems:
        raise SystemExit("nothing to run")
    with tempfile.TemporaryDirectory(prefix="accuracy-") as work:
        dirs = [run_dir(d, systems, score, a.limit, a.by_tag, Path(work)) for d in a.dirs]
    report = {"score_py": str(a.score), "code": git_version(), "notes": notes, "dirs": dirs,
              "systems": {s.name: {"kind": s.kind, "load_seconds": s.load_seconds, "note": s.note}
                          for s in systems}}
    if a.json:
        a.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
