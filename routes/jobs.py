from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request, stream_with_context, url_for

from controllers import cancel_job, job_events, job_outputs, job_status
from routes.common import owner, services

bp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs")


def _with_links(job: dict) -> dict:
    job_id = job["job_id"]
    job["links"] = {
        "self": url_for("jobs.get_job", job_id=job_id, _external=True),
        "download": url_for("jobs.download", job_id=job_id, _external=True),
        "result": url_for("jobs.result", job_id=job_id, _external=True),
        "preview": url_for("jobs.preview", job_id=job_id, _external=True),
        "events": url_for("jobs.events", job_id=job_id, _external=True),
    }
    return job


@bp.get("")
def list_jobs():
    page = job_status.list_jobs(services(), owner(), request.args.to_dict())
    page["jobs"] = [_with_links(j) for j in page["jobs"]]
    return jsonify(page)


@bp.get("/<job_id>")
def get_job(job_id: str):
    return jsonify(_with_links(job_status.get_job(services(), owner(), job_id)))


@bp.delete("/<job_id>")
def cancel(job_id: str):
    return jsonify(_with_links(cancel_job.cancel_job(services(), owner(), job_id)))


@bp.get("/<job_id>/download")
def download(job_id: str):
    data, filename = job_outputs.workbook(services(), owner(), job_id)
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<job_id>/result")
def result(job_id: str):
    return jsonify(job_outputs.tables(services(), owner(), job_id))


@bp.get("/<job_id>/preview")
def preview(job_id: str):
    return jsonify(job_outputs.preview(services(), owner(), job_id, request.args.to_dict()))


@bp.get("/<job_id>/events")
def events(job_id: str):
    """Server-Sent Events: progress, file_finished, file_failed, then finished, failed or canceled."""
    stream = job_events.job_events(services(), owner(), job_id, heartbeat=services().settings.sse_heartbeat_seconds)
    download = url_for("jobs.download", job_id=job_id, _external=True)

    def sse():
        yield "retry: 3000\n\n"
        for item in stream:
            if item is None:
                yield ": heartbeat\n\n"
                continue
            event, data = item
            if event == "finished":
                data = {**data, "download_url": download}
            yield f"event: {event}\ndata: {json.dumps(data)}\n\n"

    return Response(stream_with_context(sse()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
