"""Uploads: temporary files (24 h) whose ids go into `attachmentIds` / `uploads` of other calls.

Retried like an idempotent call: a duplicate upload is an unused temporary file that expires by itself, which is
cheaper than making the caller verify.
"""

from __future__ import annotations

from worker.desk.budget import Priority
from worker.desk.models import Upload
from worker.desk.resources._base import FileArg, PriorityArg, Resource, file_part


class UploadsResource(Resource):
    def upload(self, file: FileArg, *, priority: PriorityArg = Priority.NORMAL) -> Upload:
        """`file` = (filename, bytes[, content type])."""
        return self._write(Upload, "POST", "/uploads", files=file_part(file), idempotent=True, priority=priority)
