"""Decide what a file really is from its bytes, and refuse what is not allowed or not whole.

The client's file name and Content-Type are never trusted: a ZIP, HTML page or SVG named
`.png` is refused, and images are decoded under an explicit pixel limit so that a
decompression bomb is refused before it can take the server's memory.
"""

import struct
import zlib
from dataclasses import dataclass
from http import HTTPStatus

import magic
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, UnidentifiedImageError

from evidence.common.errors import EvidenceError
from evidence.intake.models import Kind

IMAGE_TYPES = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WEBP",
    "image/gif": "GIF",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}
AUDIO_TYPES = {
    "audio/x-m4a", "audio/mp4", "audio/aac", "audio/x-hx-aac-adts", "audio/amr", "audio/mpeg",
    "audio/x-wav", "audio/wav", "audio/ogg", "audio/3gpp", "video/3gpp",
}
VIDEO_TYPES = {"video/mp4", "video/3gpp", "video/quicktime"}
DOCUMENT_TYPES = {"application/pdf"}

ALLOWED = {
    Kind.SCREENSHOT: set(IMAGE_TYPES),
    Kind.PHOTO: set(IMAGE_TYPES),
    # Call recorders save audio-only MP4 or 3GP as often as M4A.
    Kind.RECORDING: AUDIO_TYPES | {"video/mp4"},
    Kind.VIDEO: VIDEO_TYPES,
    Kind.DOCUMENT: DOCUMENT_TYPES,
}

# Lossless, screen-sized formats are usually screenshots; camera formats are photos.
_DEFAULT_KIND = {
    "image/png": Kind.SCREENSHOT,
    "image/webp": Kind.SCREENSHOT,
    "image/gif": Kind.SCREENSHOT,
    "image/jpeg": Kind.PHOTO,
    "image/heic": Kind.PHOTO,
    "image/heif": Kind.PHOTO,
    "video/3gpp": Kind.RECORDING,
    "application/pdf": Kind.DOCUMENT,
}


class EmptyFile(EvidenceError):
    code = "empty_file"
    message = _("The file is empty.")


class UnsupportedType(EvidenceError):
    status_code = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    code = "unsupported_file_type"
    message = _(
        "This file is %(detected)s, which is not accepted. Accepted: pictures (PNG, JPEG, WebP, "
        "HEIC, GIF), recordings (M4A, AAC, AMR, MP3, WAV, OGG, 3GP), videos (MP4) and PDF."
    )


class KindMismatch(EvidenceError):
    status_code = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    code = "kind_mismatch"
    message = _("This file is %(detected)s, which cannot be stored as a %(kind)s.")


class CorruptFile(EvidenceError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "corrupt_file"
    message = _("The file is damaged or incomplete (%(detected)s that cannot be read to the end).")


class ImageTooLarge(EvidenceError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "image_too_large"
    message = _("The picture has more pixels than the limit of %(limit)d million: it could exhaust the server's memory.")


@dataclass(frozen=True)
class Sniffed:
    mime: str
    kind: str


def sniff(path: str, size: int, requested_kind: str | None) -> Sniffed:
    """Identify the file, check it against the kind, and make sure it reads to the end."""
    if size == 0:
        raise EmptyFile()
    mime = magic.from_file(path, mime=True)
    allowed_anywhere = set().union(*ALLOWED.values())
    if mime not in allowed_anywhere:
        raise UnsupportedType(detected=_describe(mime))
    kind = requested_kind or _DEFAULT_KIND.get(mime) or _kind_by_family(mime)
    if mime not in ALLOWED[kind]:
        raise KindMismatch(detected=_describe(mime), kind=Kind(kind).label)
    if mime in IMAGE_TYPES:
        _check_image(path, mime)
    elif mime == "application/pdf":
        _check_pdf(path, size)
    return Sniffed(mime=mime, kind=kind)


def _kind_by_family(mime: str) -> str:
    return Kind.RECORDING if mime.startswith("audio/") else Kind.VIDEO


def _describe(mime: str) -> str:
    return {"application/octet-stream": "unknown data", "inode/x-empty": "empty"}.get(mime, mime)


def _check_image(path: str, mime: str) -> None:
    # Some libraries (WeasyPrint) switch this on for the whole process; a truncated picture
    # must fail here whatever was imported before.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    limit = settings.IMAGE_MAX_PIXELS
    try:
        with Image.open(path, formats=[IMAGE_TYPES[mime]]) as image:
            width, height = image.size
            if width * height > limit:
                raise ImageTooLarge(limit=limit // 1_000_000)
            if mime == "image/png":
                # Read to the end without building the bitmap (a 60-megapixel PNG of a few
                # hundred KiB is 240 MB decoded): every chunk's CRC, and the pixel stream inflated
                # piece by piece to exactly the size its header promises.
                _check_png_stream(path, width, height)
            else:
                # JPEG can decode at 1/8 scale: the whole stream is still read (so truncation
                # shows) without building a full-size bitmap in memory.
                image.draft("RGB", (1024, 1024))
                image.load()
    except ImageTooLarge:
        raise
    except Image.DecompressionBombError:  # Pillow's own guard fired first, while opening
        raise ImageTooLarge(limit=limit // 1_000_000) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError):
        # Pillow reports damage with many exception types; ValueError is a text-chunk bomb.
        raise CorruptFile(detected=mime) from None


PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _png_raw_size(width: int, height: int, depth: int, colour: int, interlaced: bool) -> int:
    """Bytes of the filtered scanlines the IDAT stream must inflate to."""
    bits = depth * PNG_CHANNELS[colour]

    def lines(w: int, h: int) -> int:
        return h * (1 + (w * bits + 7) // 8) if w and h else 0

    if not interlaced:
        return lines(width, height)
    return sum(lines((width - x + dx - 1) // dx, (height - y + dy - 1) // dy) for x, y, dx, dy in ADAM7)


def _check_png_stream(path: str, width: int, height: int) -> None:
    """ValueError unless every chunk is whole with a good CRC and the pixels inflate to their size."""
    inflate, inflated, expected = zlib.decompressobj(), 0, None
    with open(path, "rb") as png:
        png.seek(8)
        while True:
            head = png.read(8)
            if len(head) < 8:
                raise ValueError("PNG ends before IEND")
            length, kind = struct.unpack(">I4s", head)
            crc, left = zlib.crc32(kind), length
            while left:
                piece = png.read(min(left, 1 << 16))
                if not piece:
                    raise ValueError("PNG chunk cut short")
                left -= len(piece)
                crc = zlib.crc32(piece, crc)
                if kind == b"IHDR":
                    _w, _h, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", piece[:13])
                    expected = _png_raw_size(width, height, depth, colour, interlace == 1)
                elif kind == b"IDAT":
                    data = piece
                    while data:  # inflate at most 1 MiB at a time and let it go: only the count is kept
                        inflated += len(inflate.decompress(data, 1 << 20))
                        data = inflate.unconsumed_tail
                    if expected is not None and inflated > expected:
                        raise ValueError("PNG pixel data is larger than its size")
            stored = png.read(4)
            if len(stored) < 4 or struct.unpack(">I", stored)[0] != crc:
                raise ValueError("PNG chunk CRC does not match")
            if kind == b"IEND":
                break
    if expected is None or not inflate.eof or inflated != expected:
        raise ValueError("PNG pixel data is incomplete")


def _check_pdf(path: str, size: int) -> None:
    with open(path, "rb") as pdf:
        pdf.seek(max(0, size - 2048))
        tail = pdf.read()
    if b"%%EOF" not in tail:
        raise CorruptFile(detected="application/pdf")
