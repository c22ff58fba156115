"""The API side of streamed uploads: the multipart parser and the mixin of views that take one file.

The storage side (hashing while the bytes arrive, strict file names, the temp area) is in
evidence/storage/uploads.py and knows nothing of HTTP frameworks; this module fits it to DRF.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, DataAndFiles

from evidence.intake.uploads import (
    HashedUpload,
    HashingUploadHandler,
    LengthRequired,
    NoFile,
    UploadTooLarge,
    multipart_parse,
)


class StreamingMultiPartParser(BaseParser):
    """multipart/form-data through the request's upload handlers, with strict file names."""

    media_type = "multipart/form-data"

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        try:
            data, files = multipart_parse(request.META, stream, request.upload_handlers, media_type,
                                          parser_context.get("encoding", "utf-8"))
        except MultiPartParserError as error:
            raise ParseError(str(error)) from None
        return DataAndFiles(data, files)


class StreamingUploadMixin:
    """For an APIView that receives one file: streamed through the hasher, never held in RAM."""

    parser_classes = [StreamingMultiPartParser]

    def initialize_request(self, request, *args, **kwargs):
        # Set before anything reads the body, so the upload streams through the hasher.
        self.upload_handler = HashingUploadHandler(request, max_bytes=settings.UPLOAD_MAX_BYTES)
        request.upload_handlers = [self.upload_handler]
        return super().initialize_request(request, *args, **kwargs)

    @contextmanager
    def received_file(self, request) -> Iterator[HashedUpload]:
        """The request's `file`, hashed and on disk; its temporary file is removed afterwards."""
        limit = settings.UPLOAD_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower() and declared == "0":
            raise LengthRequired()  # the body would be read as empty: say so, rather than "no file"
        # Refuse an oversized body before reading it; the handler still counts what arrives.
        if declared.isdigit() and int(declared) > limit + (1 << 20):
            raise UploadTooLarge(limit_mib=limit // (1 << 20))
        try:
            upload = request.FILES.get("file")
            if upload is None:
                raise NoFile()
            yield upload
        finally:
            self.upload_handler.cleanup()
