"""Use cases: the finished job's workbook, its tables as JSON, and a preview of the first rows."""
from __future__ import annotations

from controllers.job_views import owned_job
from controllers.schemas import PreviewQuerySchema, load
from services.context import ServiceContext, workbook_key
from services.conversion import load_result
from services.jobstore import JobRecord
from services.xlsx import suggest_download_name
from utils.errors import ApiError


def _finished(ctx: ServiceContext, owner: str, job_id: str) -> JobRecord:
    record = owned_job(ctx, owner, job_id)
    if record.status != "finished":
        raise ApiError(409, "job_not_finished", f"the job is {record.status}; the result is ready when it is finished",
                       {"status": record.status})
    return record


def _gone() -> ApiError:
    return ApiError(410, "result_expired", "the result has expired and been deleted")


def workbook(ctx: ServiceContext, owner: str, job_id: str) -> tuple[bytes, str]:
    record = _finished(ctx, owner, job_id)
    data = ctx.storage.get(workbook_key(job_id))
    if data is None:
        raise _gone()
    return data, suggest_download_name(list(dict.fromkeys(f.name for f in record.files)))


def tables(ctx: ServiceContext, owner: str, job_id: str) -> dict:
    record = _finished(ctx, owner, job_id)
    files = []
    for entry, state in zip(record.files, record.file_states):
        result = load_result(ctx, job_id, entry.index) if state.status == "finished" else None
        item = {"index": entry.index, "name": entry.name, "page": entry.page, "status": state.status,
                "error": state.error}
        if result is not None:
            item.update(result.to_dict())
        files.append(item)
    return {"job_id": job_id, "files": files}


def preview(ctx: ServiceContext, owner: str, job_id: str, query: dict) -> dict:
    rows = load(PreviewQuerySchema(), query)["rows"]
    full = tables(ctx, owner, job_id)
    for item in full["files"]:
        item.pop("timings", None)
        item["tables"] = [_preview_table(t, rows) for t in item.get("tables", [])]
    return full


def _preview_table(table: dict, rows: int) -> dict:
    grid = [[""] * table["n_cols"] for _ in range(min(rows, table["n_rows"]))]
    for cell in table["cells"]:
        if cell["row"] < len(grid):
            grid[cell["row"]][cell["col"]] = cell["text"]
    return {"title": table.get("title"), "n_rows": table["n_rows"], "n_cols": table["n_cols"],
            "header_rows": table.get("header_rows", 1), "rows": grid}
