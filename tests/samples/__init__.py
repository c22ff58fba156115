"""Sample files made on the fly: real formats, hostile variants, nothing large committed."""

import io
import os
import struct
import wave
import zipfile
import zlib

from PIL import Image


def png(width: int = 64, height: int = 48, *, noise: bool = False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width: int = 64, height: int = 48, *, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 200)).save(buffer, "JPEG", quality=85, exif=exif or Image.Exif())
    return buffer.getvalue()


def jpeg_with_capture_time(taken: str = "2026:10:03 23:41:07", *, gps: bool = False) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"
    exif[0x0110] = "Redmi Note 12"
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    return jpeg(exif=exif)


def webp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 128, 0)).save(buffer, "WEBP")
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


def wav(seconds: float = 1.0, *, noise: bool = False) -> bytes:
    buffer = io.BytesIO()
    frames = int(8000 * seconds)
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(os.urandom(frames * 2) if noise else b"\x00\x00" * frames)
    return buffer.getvalue()


def mp3(frames: int = 40) -> bytes:
    """MPEG-1 Layer III frames of silence (128 kbit/s, 44.1 kHz, mono), about 1 s: libmagic says audio/mpeg."""
    header = bytes([0xFF, 0xFB, 0x90, 0xC4])
    return (header + b"\x00" * 413) * frames


def amr(frames: int = 50) -> bytes:
    """AMR-NB, the format Android dialers record in: the magic line, then 12.2 kbit/s frames (20 ms each)."""
    return b"#!AMR\n" + (b"\x3c" + b"\x00" * 31) * frames


def pdf() -> bytes:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_pixel_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny file that claims 900 million pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + width * 3) * 2, 9)  # two rows; the decoder would want all
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


def png_text_bomb() -> bytes:
    """A valid small picture with a zTXt chunk that inflates to 64 MiB."""
    original = png()
    payload = b"Comment\x00\x00" + zlib.compress(b"A" * (64 << 20), 9)
    return original[:33] + _png_chunk(b"zTXt", payload) + original[33:]


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("secret.txt", "not a picture")
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>\n'
FITS = b"SIMPLE  =                    T / conforms to FITS standard".ljust(2880, b" ")
