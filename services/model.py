"""Plain data shared by OCR, table recovery, XLSX writing and the JSON API.

Everything here round-trips through JSON (``to_dict`` / ``from_dict``) because results
travel between worker and web processes through Redis or a shared volume.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels


@dataclass(frozen=True)
class Word:
    """One piece of recognised text with its box: the unit every OCR engine returns."""

    text: str
    bbox: BBox
    confidence: float


@dataclass
class TypedValue:
    """What a cell's text means: kind is text | number | percent | currency | date | empty.

    ``value`` is what the spreadsheet stores: a float/int for number, percent (as a
    fraction, 12.5% -> 0.125) and currency, a ``datetime.date`` for date, the text itself
    for text, None for empty. ``number_format`` is the Excel format that shows it as written.
    """

    kind: str
    value: Any
    number_format: str | None = None


@dataclass
class Cell:
    row: int
    col: int
    text: str
    value: TypedValue
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None
    confidence: float | None = None

    def to_dict(self) -> dict:
        value = self.value.value
        if isinstance(value, dt.date):
            value = value.isoformat()
        return {
            "row": self.row, "col": self.col, "text": self.text,
            "kind": self.value.kind, "value": value, "number_format": self.value.number_format,
            "rowspan": self.rowspan, "colspan": self.colspan,
            "bbox": list(self.bbox) if self.bbox else None,
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Cell":
        value = d["value"]
        if d["kind"] == "date" and isinstance(value, str):
            value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        return cls(
            row=d["row"], col=d["col"], text=d["text"],
            value=TypedValue(d["kind"], value, d.get("number_format")),
            rowspan=d.get("rowspan", 1), colspan=d.get("colspan", 1),
            bbox=tuple(d["bbox"]) if d.get("bbox") else None,
            confidence=d.get("confidence"),
        )


@dataclass
class Table:
    """A recovered grid. ``cells`` holds only anchor cells: a merged cell appears once, at its
    top-left (row, col), with rowspan/colspan; positions it covers have no cell of their own."""

    n_rows: int
    n_cols: int
    cells: list[Cell]
    bbox: BBox | None = None
    header_rows: int = 1
    title: str | None = None

    def grid(self) -> list[list[Cell | None]]:
        """Rows of anchor cells, None where a position is empty or covered by a merge."""
        rows: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            rows[cell.row][cell.col] = cell
        return rows

    def to_dict(self) -> dict:
        return {
            "n_rows": self.n_rows, "n_cols": self.n_cols, "header_rows": self.header_rows,
            "title": self.title, "bbox": list(self.bbox) if self.bbox else None,
            "cells": [c.to_dict() for c in self.cells],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Table":
        return cls(
            n_rows=d["n_rows"], n_cols=d["n_cols"], header_rows=d.get("header_rows", 1),
            title=d.get("title"), bbox=tuple(d["bbox"]) if d.get("bbox") else None,
            cells=[Cell.from_dict(c) for c in d["cells"]],
        )


@dataclass
class ImageResult:
    """Everything recovered from one image, with the time each stage took (seconds)."""

    tables: list[Table]
    width: int
    height: int
    engine: str
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "width": self.width, "height": self.height, "engine": self.engine,
            "timings": self.timings, "tables": [t.to_dict() for t in self.tables],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "ImageResult":
        return cls(
            tables=[Table.from_dict(t) for t in d["tables"]], width=d["width"], height=d["height"],
            engine=d["engine"], timings=dict(d.get("timings", {})),
        )
