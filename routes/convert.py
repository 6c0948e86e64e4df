from __future__ import annotations

from flask import Blueprint, g, jsonify, request, url_for

from controllers.submit_conversion import Upload, submit_conversion
from routes.common import owner, services
from utils.errors import ApiError

bp = Blueprint("convert", __name__, url_prefix="/api/v1")


@bp.post("/convert")
def convert():
    others = [name for name in request.files if name != "files"]
    if others:
        raise ApiError(400, "unknown_option", "files must be sent as form fields named 'files'",
                       {name: ["Unknown file field."] for name in others})
    uploads = [Upload(f.filename or "", f.read()) for f in request.files.getlist("files")]
    job_id = submit_conversion(services(), owner(), uploads, request.form.to_dict(), g.request_id)
    status_url = url_for("jobs.get_job", job_id=job_id, _external=True)
    body = {
        "job_id": job_id,
        "status": "queued",
        "files": len(uploads),
        "status_url": status_url,
        "download_url": url_for("jobs.download", job_id=job_id, _external=True),
        "result_url": url_for("jobs.result", job_id=job_id, _external=True),
    }
    return jsonify(body), 202, {"Location": status_url}
