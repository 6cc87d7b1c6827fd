"""File uploads through the web: a size limit per kind, enforced before anything reaches the disk.

A view that takes files declares its kind with :func:`upload_limit`; the kind's limit is
``settings.UPLOAD_LIMITS[kind]`` (bytes, for all the files of one request); any other view that
receives a multipart body gets the ``default`` kind. Two checks, both before Django's upload
handlers write a byte to a temporary file:

1. :class:`UploadLimitMiddleware` (placed before the CSRF middleware, which is the first to read the
   body) refuses a request whose declared ``Content-Length`` is over the limit: the body is never read;
2. otherwise it puts a :class:`CountingUploadHandler` first in the request's handler chain. It counts
   the bytes of every file as they stream in and stops the upload the moment the count would pass the
   limit (a client that sends no length or the wrong one), so the handlers after it — memory or
   temporary file — never receive the chunk over the limit; whatever they held is discarded.

Both answer 413 with a Chinese message. :func:`stored_name` keeps an upload's extension when it is
kept on disk, since readers such as openpyxl go by the extension.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

# Room for the form's other fields and the multipart boundaries beside the files.
FORM_OVERHEAD = 64 * 1024
_SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


def limit_for(kind: str) -> int:
    return int(settings.UPLOAD_LIMITS[kind])


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def too_large_message(kind: str) -> str:
    return f"上传的文件过大：本次上传不能超过 {human_size(limit_for(kind))}，请拆分文件后分批上传"


def stored_name(upload_name: str) -> str:
    """The suffix to keep an upload under: its own extension, lower-cased, when it is a plain one."""
    suffix = PurePath(upload_name or "").suffix.lower()
    return suffix if _SAFE_SUFFIX.fullmatch(suffix) else ""


class CountingUploadHandler(FileUploadHandler):
    """First in the chain: counts the bytes of the request's files and stops past the limit."""

    def __init__(self, request, kind: str):
        super().__init__(request)
        self.kind = kind
        self.limit = limit_for(kind)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_refused = too_large_message(self.kind)
            # Stop reading: the handlers after this one never see the chunk over the limit.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def refused(request, message: str, status: int = 413):
    """The refusal page (413 by default): the message and a way back to the form."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return render(request, "core/upload_refused.html", {"message": message, "back": back}, status=status)


def upload_limit(kind: str):
    """Declare a view's upload kind: its POST is refused (413) past ``settings.UPLOAD_LIMITS[kind]``.

    Views that declare nothing (the Django admin's forms, say) get the ``default`` kind.
    """
    limit_for(kind)  # an unknown kind fails at import, not on the first upload

    def decorate(view):
        view.upload_kind = kind  # copied outwards by every functools.wraps decorator
        return view

    return decorate


class UploadLimitMiddleware:
    """Refuses an over-limit body by its length, else reads it under the counting handler.

    Placed before the CSRF middleware: that is the first to read a body, and the handler chain can
    only be changed before it is read. Only ``multipart/form-data`` bodies carry files.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.content_type.startswith("multipart/"):
            return None
        kind = getattr(view_func, "upload_kind", "default")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit_for(kind) + FORM_OVERHEAD:
            return refused(request, too_large_message(kind))
        request.upload_handlers.insert(0, CountingUploadHandler(request, kind))
        try:
            request.FILES  # noqa: B018 - read the body now, under the counting handler
        except MultiPartParserError:
            return refused(request, "上传内容格式错误，请重新选择文件上传", status=400)
        message = getattr(request, "upload_refused", "")
        if message:
            return refused(request, message)
        return None
