"""bench.accuracy on a tiny generated set: every image is scored with score.py's figures."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bench import accuracy, datasets

SCORE_PY = accuracy.DEFAULT_SCORE

pytestmark = pytest.mark.skipif(not SCORE_PY.exists(), reason=f"{SCORE_PY} not present")


def _has_apted() -> bool:
    return importlib.util.find_spec("apted") is not None


def test_accuracy_bench_scores_a_generated_set(tmp_path: Path, capsys):
    datasets.main([str(tmp_path / "set"), "--clean", "2", "--degraded", "1", "--seed", "20"])
    clean, degraded = tmp_path / "set" / "clean", tmp_path / "set" / "degraded"
    truth = json.loads(next(clean.glob("*.json")).read_text())
    assert truth["rows"] and truth["tags"] and all(len(r) == len(truth["rows"][0]) for r in truth["rows"])

    out = tmp_path / "acc.json"
    report = accuracy.main([str(clean), str(degraded), "--engine", "rapidocr", "--by-tag",
                            "--json", str(out)])

    assert json.loads(out.read_text()) == json.loads(json.dumps(report, default=str))
    assert set(report["systems"]) == {"rapidocr"}
    clean_report, degraded_report = report["dirs"]
    assert [i["id"] for i in clean_report["images"]] == ["c000", "c001"]
    assert [i["id"] for i in degraded_report["images"]] == ["d000"]
    for image in clean_report["images"]:
        scored = image["rapidocr"]
        assert "error" not in scored
        assert scored["rows_ok"] and scored["cols_ok"], image["id"]
        assert scored["cell_accuracy"] >= 0.6, (image["id"], scored["misses"])
        assert scored["displayed_exact"] is not None
    summary = clean_report["summary"]["rapidocr"]
    for key in ("images", "cell_accuracy", "cell_accuracy_displayed", "tables_rows_cols_ok", "teds_mean",
                "numeric_typed_share", "numeric_typed_share_ids_aside", "seconds_median", "seconds_mean"):
        assert key in summary
    kept = [t for image in clean_report["images"] for t in image["rapidocr"]["kept_as_text"]]
    ids = sum(len(t) > 1 and t.startswith("0") and t.isdigit() for t in kept)
    assert summary["numeric_typed_share_ids_aside"] >= summary["numeric_typed_share"]
    assert (summary["numeric_typed_share_ids_aside"] > summary["numeric_typed_share"]) == (ids > 0)
    assert summary["images"] == 2 and summary["tables_rows_cols_ok"] == 1.0
    if _has_apted():
        assert summary["teds_mean"] > 0.8
    else:
        assert summary["teds_mean"] is None
        assert any("apted" in note for note in report["notes"])
    assert set(truth["tags"]) <= set(clean_report["by_tag"])
    assert all(row["images"] >= 1 and "rapidocr" in row for row in clean_report["by_tag"].values())
    assert "c000" in capsys.readouterr().out
