"""Receive an upload in one streaming pass: hash, count and write each chunk as it arrives.

Memory stays flat whatever the file's size: the body is never held in RAM and the file is
never read again to hash it.
"""

import hashlib
import html
import os
import queue
import threading
from http import HTTPStatus

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext_lazy as _

from evidence.common.errors import EvidenceError
from evidence.storage.backends import get_storage

UPLOAD_CHUNK = 1 << 20


class UploadTooLarge(EvidenceError):
    status_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    code = "file_too_large"
    message = _("The file is larger than the limit of %(limit_mib)d MiB.")


class BadFileName(EvidenceError):
    code = "bad_file_name"
    message = _("The file name contains a NUL character or a line break.")


class TooManyFiles(EvidenceError):
    code = "too_many_files"
    message = _("Send one file per request, in the field named “file”.")


class LengthRequired(EvidenceError):
    status_code = HTTPStatus.LENGTH_REQUIRED
    code = "length_required"
    message = _("The file was sent without its length (chunked transfer encoding). Send it with a Content-Length "
                "header, as browsers and the phone app do.")


class NoFile(EvidenceError):
    code = "no_file"
    message = _("Attach the file in the form field named “file”.")


class HashedUpload(UploadedFile):
    """An uploaded file already on disk, with the SHA-256 computed while it arrived."""

    def __init__(self, file, *, name, content_type, size, sha256, charset=None):
        super().__init__(file, name, content_type, size, charset)
        self.sha256 = sha256

    def temporary_file_path(self) -> str:
        return self.file.name

    def close(self):
        try:
            return self.file.close()
        except FileNotFoundError:  # already linked away and unlinked
            pass


class _HashingWriter:
    """Hashes and writes chunks on a helper thread while the parser reads the next ones.

    Both hashlib and file writes release the GIL, so this overlaps them with parsing. The
    queue is bounded: at most a few chunks are ever held in memory.
    """

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._thread = threading.Thread(target=self._run, name="upload-writer", daemon=True)
        self._thread.start()

    def _run(self):
        while (chunk := self._queue.get()) is not None:
            if self.error is None:
                try:
                    self.digest.update(chunk)
                    self.file.write(chunk)
                except BaseException as error:  # re-raised in the request thread
                    self.error = error

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def put(self, chunk: bytes) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put(chunk)

    def finish(self) -> str:
        """Wait for the last chunk; return the hex SHA-256 of everything written."""
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.digest.hexdigest()

    def finish_quietly(self) -> None:
        """Stop the thread after a failed request; its error no longer matters."""
        self.error = self.error or RuntimeError("upload abandoned")
        self._queue.put(None)
        self._thread.join()


class HashingUploadHandler(FileUploadHandler):
    """Writes the single `file` part to storage's temp area, hashing and counting as it goes."""

    chunk_size = UPLOAD_CHUNK

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.temp = None
        self.writer = None
        self.received = 0

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if field_name != "file" or self.temp is not None:
            raise TooManyFiles()
        self.temp = get_storage().new_temp_file()
        self.writer = _HashingWriter(self.temp)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            raise UploadTooLarge(limit_mib=self.max_bytes // (1 << 20))
        self.writer.put(raw_data)
        return None

    def file_complete(self, file_size):
        sha256 = self.writer.finish()
        _seal(self.temp)
        return HashedUpload(
            self.temp,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            sha256=sha256,
            charset=self.charset,
        )

    def cleanup(self):
        """Remove the temporary file, whatever happened to the request."""
        if self.writer is not None and self.writer.running:
            self.writer.finish_quietly()
        if self.temp is not None:
            try:
                self.temp.close()
            except FileNotFoundError:
                pass


class _StrictMultiPartParser(DjangoMultiPartParser):
    def sanitize_file_name(self, file_name):
        # Django silently drops unprintable characters; a name with NUL or a line break is
        # refused instead, because it is an attack on whatever later shows or saves it.
        raw = html.unescape(file_name)
        if any(char in raw for char in "\x00\r\n"):
            raise BadFileName()
        return super().sanitize_file_name(file_name)


class _PartHeadersAsUTF8:
    """The request body as the multipart parser reads it, with every part's headers in UTF-8.

    Browsers send file names in UTF-8, but curl and scripts send the file system's bytes, which
    on a Chinese Windows machine are GBK. Django's parser drops a header line it cannot decode
    as UTF-8, so such a file would arrive as "no file". Here a header line that is not UTF-8 is
    read as GB18030 (a superset of GBK), or with replacement characters when it is neither,
    and handed on re-encoded. Only the header block after each boundary is looked at; the
    parts' bytes pass through untouched, a chunk at a time.
    """

    HEADERS_LIMIT = 64 << 10  # past this, a "header block" is passed on as it is

    def __init__(self, stream, boundary: bytes):
        self.stream = stream
        self.first = b"--" + boundary
        self.delimiter = b"\r\n--" + boundary
        self.buffer = b""
        self.in_headers = False
        self.started = False
        self.eof = False

    def read(self, size=-1):
        out = []
        while not out and not (self.eof and not self.buffer):
            if not self.eof:
                chunk = self.stream.read(UPLOAD_CHUNK)
                if chunk:
                    self.buffer += chunk
                else:
                    self.eof = True
            out.append(self._drain())
            out = [piece for piece in out if piece]
        return b"".join(out)

    def _drain(self) -> bytes:
        emitted = []
        while True:
            if self.in_headers:
                end = self.buffer.find(b"\r\n\r\n")
                if end == -1:
                    if len(self.buffer) > self.HEADERS_LIMIT or self.eof:
                        emitted.append(self.buffer)
                        self.buffer, self.in_headers = b"", False
                    break
                emitted.append(_utf8_header_lines(self.buffer[:end]) + b"\r\n\r\n")
                self.buffer, self.in_headers = self.buffer[end + 4 :], False
                continue
            delimiter = self.delimiter if self.started else self.first
            at = self.buffer.find(delimiter)
            if at == -1:
                keep = 0 if self.eof else len(delimiter) - 1  # a delimiter may straddle chunks
                cut = max(len(self.buffer) - keep, 0)
                emitted.append(self.buffer[:cut])
                self.buffer = self.buffer[cut:]
                break
            cut = at + len(delimiter)
            emitted.append(self.buffer[:cut])
            self.buffer = self.buffer[cut:]
            self.started, self.in_headers = True, True
        return b"".join(emitted)


def _utf8_header_lines(block: bytes) -> bytes:
    lines = []
    for line in block.split(b"\r\n"):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = line.decode("gb18030").encode("utf-8")
            except UnicodeDecodeError:
                line = line.decode("utf-8", errors="replace").encode("utf-8")
        lines.append(line)
    return b"\r\n".join(lines)


def multipart_parse(request_meta: dict, stream, upload_handlers, media_type: str, encoding: str):
    """(data, files) of a multipart/form-data body, read through the upload handlers with strict
    file names; part headers that are not UTF-8 are read as GB18030. Raises MultiPartParserError."""
    meta = request_meta.copy()
    meta["CONTENT_TYPE"] = media_type
    boundary = _boundary(media_type)
    if boundary:
        stream = _PartHeadersAsUTF8(stream, boundary)
    return _StrictMultiPartParser(meta, stream, upload_handlers, encoding).parse()


def _boundary(media_type: str) -> bytes | None:
    _, params = parse_header_parameters(media_type or "")
    boundary = params.get("boundary", "")
    return boundary.encode("ascii", errors="ignore") or None


def stage_stream(stream, *, name: str, content_type: str = "") -> HashedUpload:
    """Copy a stream into storage's temp area, hashing as it goes, ready for ingest."""
    temp = get_storage().new_temp_file()
    writer, size = _HashingWriter(temp), 0
    while chunk := stream.read(UPLOAD_CHUNK):
        writer.put(chunk)
        size += len(chunk)
    sha256 = writer.finish()
    _seal(temp)
    return HashedUpload(temp, name=name, content_type=content_type, size=size, sha256=sha256)


def _seal(temp) -> None:
    """Make a fully written temp file durable before it can be linked into place."""
    temp.flush()
    os.fsync(temp.fileno())
    temp.seek(0)
