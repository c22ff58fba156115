"""Check a packet the way a recipient would: every hash, the signature, the timestamp, the PDF.

Nothing is extracted but the report (to a temporary file, for the PDF signature check); every
other entry is hashed while it streams, so a hostile ZIP cannot write outside a folder or
fill the disk. Before any entry is read, the packet must declare at most Limits.max_entries
files that unpack to at most Limits.max_unpacked_bytes, under plain relative names: zipfile
never inflates an entry past its declared size (a lie ends in a CRC error), so that sum bounds
the work a hostile packet can cause.
"""

import hashlib
import json
import lzma
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.conf import settings

from evidence.reports import signing
from evidence.reports.assemble import evidence_set_sha256
from evidence.reports.packet import CUSTODY_NAME, MANIFEST_NAME, README_NAME, REPORT_NAME, SUMS_NAME
from evidence.storage.backends import CHUNK

UNLISTED = (SUMS_NAME, f"{SUMS_NAME}.sig", f"{SUMS_NAME}.tsr")
MAX_SMALL_BYTES = 64 << 20  # SHA256SUMS, manifest.json, signatures and certificates are read into memory
CENTRAL_BYTES_PER_ENTRY = 512  # room per declared entry in the ZIP's central directory (46 bytes + name)
# What a failing zipfile read raises: a corrupt or lying entry, an unknown method, a password.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError, RuntimeError, OSError)
# Checks after which nothing else was looked at: the upload is not a packet this code will read.
REFUSALS = frozenset({"zip", "entries", "unpacked", "ratio", "names"})
# An entry that inflates more than this, past a few MiB, is a bomb: what a packet holds (PDFs, pictures,
# recordings, exports) is compressed already or compresses ~10:1 at most (XML and CSV text).
MAX_RATIO, RATIO_FROM_BYTES = 100, 8 << 20


@dataclass(frozen=True)
class Limits:
    max_entries: int
    max_unpacked_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(settings.VERIFY_MAX_ENTRIES, settings.VERIFY_MAX_UNPACKED_BYTES)


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not applicable (no timestamp in the packet)
    detail: str = ""
    key: str = ""  # which check, stable whatever the name says: what the public page translates
    subject: str = ""  # the entry the check is about, when there is one

    def line(self) -> str:
        mark = "OK  " if self.ok else ("SKIP" if self.ok is None else "FAIL")
        return f"{mark} {self.name}" + (f": {self.detail}" if self.detail else "")

    @property
    def refused(self) -> bool:
        return self.ok is False and self.key in REFUSALS


class PacketRefused(Exception):
    """The file is not a packet that is safe to read; .check says why."""

    def __init__(self, check: Check):
        super().__init__(check.line())
        self.check = check


def verify_packet(path: Path, trusted_ca_pem: bytes | None = None, *, limits: Limits | None = None,
                  workdir: Path | None = None) -> list[Check]:
    """Every check, in order; the packet is good when none has ok=False.

    workdir: where the report is unpacked for its signature check (default: the system's temp folder).
    """
    try:
        archive = open_packet(path, limits or Limits.from_settings())
    except PacketRefused as refused:
        return [refused.check]
    with archive:
        names = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        checks = [Check("packet has README.txt, report.pdf, manifest.json, SHA256SUMS",
                        all(n in names for n in (README_NAME, REPORT_NAME, MANIFEST_NAME, SUMS_NAME)), key="layout")]
        if not checks[0].ok or SUMS_NAME not in names:
            return checks
        try:
            sums = read_small(archive, names[SUMS_NAME])
            listed = _parse_sums(sums)
            checks += _hash_checks(archive, names, listed)
            ca_pem = read_small(archive, names["certs/ca.pem"]) if "certs/ca.pem" in names else b""
            checks += _certificate_checks(ca_pem, trusted_ca_pem)
            checks.append(_signature_check(archive, names, sums, ca_pem))
            checks.append(_timestamp_check(archive, names, sums))
            tsa_ca = read_small(archive, names["certs/tsa-ca.pem"]) if "certs/tsa-ca.pem" in names else None
            checks.append(_pdf_check(archive, ca_pem, tsa_ca, workdir))
            checks += _manifest_checks(archive, names, listed)
            if CUSTODY_NAME in names:
                checks.append(_custody_check(read_small(archive, names[CUSTODY_NAME])))
        except PacketRefused as refused:
            checks.append(refused.check)
    return checks


def open_packet(path: Path, limits: Limits) -> zipfile.ZipFile:
    """The packet as a ZipFile, once its size, entry count and names are safe; else PacketRefused."""
    try:
        with open(path, "rb") as file:
            declared = _declared_directory(file)
        if declared is None:
            raise zipfile.BadZipFile("no end of central directory: not a ZIP file")
        entries, directory_bytes = declared
        # Checked before zipfile builds one object per entry: 200 MiB of empty entries is millions.
        if entries > limits.max_entries or directory_bytes > limits.max_entries * CENTRAL_BYTES_PER_ENTRY:
            raise PacketRefused(_too_many(entries, limits))
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error) as error:
        raise PacketRefused(Check("packet is a ZIP file", False, str(error), key="zip")) from None
    try:
        _check_structure(archive.infolist(), limits)
    except PacketRefused:
        archive.close()
        raise
    return archive


def _declared_directory(file) -> tuple[int, int] | None:
    """(entries, central directory bytes) as the end record declares them (ZIP64 too); None if there is none."""
    file.seek(0, 2)
    size = file.tell()
    start = max(0, size - (22 + 0xFFFF))  # the end record, then at most a 64 KiB comment
    file.seek(start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10:at + 16])
    locator = tail[at - 20:at] if at >= 20 else b""
    if locator[:4] == b"PK\x06\x07":  # ZIP64: the real numbers are in the record the locator points to
        file.seek(struct.unpack("<Q", locator[8:16])[0])
        record = file.read(56)
        if record[:4] == b"PK\x06\x06":
            entries, directory_bytes = struct.unpack("<QQ", record[32:48])
    return entries, directory_bytes


def _too_many(entries: int, limits: Limits) -> Check:
    return Check(f"packet has at most {limits.max_entries} files", False, f"{entries} files", key="entries",
                 subject=str(entries))


def _check_structure(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise PacketRefused(_too_many(len(infos), limits))
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_unpacked_bytes:
        raise PacketRefused(Check(
            f"packet unpacks to at most {limits.max_unpacked_bytes >> 20} MiB", False,
            f"it would unpack to {unpacked >> 20} MiB", key="unpacked", subject=str(unpacked >> 20)))
    for info in infos:
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PacketRefused(Check(
                f"no file in the packet inflates more than {MAX_RATIO}:1", False,
                f"{info.filename} would inflate from {info.compress_size:,} to {info.file_size:,} bytes",
                key="ratio", subject=info.filename))
    seen, bad = set(), []
    for info in infos:
        if not _plain_name(info.filename) or info.filename in seen:
            bad.append(info.filename)
        seen.add(info.filename)
    if bad:
        raise PacketRefused(Check("every name in the packet is a plain relative path, once", False,
                                  ", ".join(repr(n) for n in bad[:5]), key="names", subject=bad[0]))


def _plain_name(name: str) -> bool:
    """No absolute path, no `..`, no backslash or drive letter, no control character: unzip puts it where it says."""
    if not name or name.startswith("/") or "\\" in name or ":" in name or any(ord(c) < 32 for c in name):
        return False
    return ".." not in PurePosixPath(name).parts


def read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry read into memory (lists, signatures, certificates); PacketRefused if too large or unreadable."""
    if info.file_size > MAX_SMALL_BYTES:
        raise PacketRefused(Check(f"{info.filename} is small enough to read", False,
                                  f"{info.file_size >> 20} MiB", key="unreadable", subject=info.filename))
    try:
        return archive.read(info)
    except READ_ERRORS as error:
        raise PacketRefused(Check(f"{info.filename} can be read", False, str(error), key="unreadable",
                                  subject=info.filename)) from None


def _parse_sums(sums: bytes) -> dict[str, str]:
    listed = {}
    for line in sums.decode("utf-8", "replace").splitlines():
        digest, _, name = line.partition("  ")
        if len(digest) == 64 and name:
            listed[name] = digest.lower()
    return listed


def _hash_checks(archive, names: dict, listed: dict) -> list[Check]:
    checks = []
    for name, expected in listed.items():
        if name not in names:
            checks.append(Check(f"sha256 {name}", False, "listed in SHA256SUMS but missing", key="missing",
                                subject=name))
            continue
        digest = hashlib.sha256()
        try:
            with archive.open(names[name]) as entry:
                while chunk := entry.read(CHUNK):
                    digest.update(chunk)
        except READ_ERRORS as error:
            checks.append(Check(f"sha256 {name}", False, f"cannot be read: {error}", key="unreadable", subject=name))
            continue
        ok = digest.hexdigest() == expected
        checks.append(Check(f"sha256 {name}", ok, "" if ok else f"is {digest.hexdigest()}, SHA256SUMS says {expected}",
                            key="sha256", subject=name))
    extra = sorted(n for n in names if n not in listed and n not in UNLISTED and not n.startswith("certs/"))
    checks.append(Check("every file is listed in SHA256SUMS", not extra, ", ".join(extra[:5]), key="listed",
                        subject=extra[0] if extra else ""))
    return checks


def _certificate_checks(ca_pem: bytes, trusted_ca_pem: bytes | None) -> list[Check]:
    if not ca_pem:
        return [Check("certs/ca.pem present", False, key="ca", subject="certs/ca.pem")]
    try:
        fingerprint = fingerprint_sha256(ca_pem)
    except ValueError as error:
        return [Check("certs/ca.pem is a certificate", False, str(error), key="ca", subject="certs/ca.pem")]
    checks = [Check("signing certificate (SHA-256 fingerprint; compare with the one the server publishes)",
                    True, fingerprint, key="fingerprint")]
    if trusted_ca_pem is not None:
        ok = fingerprint == fingerprint_sha256(trusted_ca_pem)
        checks.append(Check("signing certificate is the trusted one", ok, "" if ok else "a different certificate",
                            key="trusted"))
    return checks


def fingerprint_sha256(pem: bytes) -> str:
    """The first certificate's SHA-256 fingerprint as `openssl x509 -noout -fingerprint -sha256` prints it."""
    return x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256()).hex(":").upper()


def _signature_check(archive, names, sums: bytes, ca_pem: bytes) -> Check:
    name = f"{SUMS_NAME}.sig"
    if name not in names or not ca_pem:
        return Check("signature over SHA256SUMS", False, "missing", key="signature", subject=name)
    ok, detail = signing.verify_detached(sums, read_small(archive, names[name]), ca_pem)
    return Check("signature over SHA256SUMS", ok, detail, key="signature", subject=name)


def _timestamp_check(archive, names, sums: bytes) -> Check:
    name = f"{SUMS_NAME}.tsr"
    if name not in names:
        return Check("timestamp over SHA256SUMS", None, "no timestamp authority was configured", key="timestamp")
    tsa_certs = b"".join(read_small(archive, names[n]) for n in sorted(names) if n.startswith("certs/tsa"))
    ok, detail = signing.verify_timestamp_reply(sums, read_small(archive, names[name]), tsa_certs)
    return Check("timestamp over SHA256SUMS", ok, detail, key="timestamp", subject=name)


def _pdf_check(archive, ca_pem: bytes, tsa_ca_pem: bytes | None, workdir: Path | None) -> Check:
    with tempfile.TemporaryDirectory(prefix="verify-", dir=workdir) as folder:
        report = Path(folder) / "report.pdf"
        try:
            with archive.open(REPORT_NAME) as source, open(report, "wb") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
        except READ_ERRORS as error:
            return Check("report.pdf signature", False, f"cannot be read: {error}", key="pdf", subject=REPORT_NAME)
        # The packet's own TSA root, as for SHA256SUMS.tsr: the report's timestamp is then checked too.
        ok, detail = signing.verify_pdf(report, ca_pem, tsa_ca_pem=tsa_ca_pem)
    return Check("report.pdf signature", ok, detail, key="pdf", subject=REPORT_NAME)


def _manifest_checks(archive, names: dict, listed: dict) -> list[Check]:
    try:
        manifest = parse_manifest(read_small(archive, names[MANIFEST_NAME]))
    except ValueError as error:
        return [Check("manifest.json is readable", False, str(error), key="manifest", subject=MANIFEST_NAME)]
    items = manifest["items"]
    wrong = [item.get("exhibit", "?") for item in items if listed.get(item.get("path")) != item.get("sha256")]
    checks = [Check("every manifest item is in the packet with its hash", not wrong, ", ".join(map(str, wrong[:5])),
                    key="items", subject=str(wrong[0]) if wrong else "")]
    expected = evidence_set_sha256(str(item.get("sha256")) for item in items)
    ok = expected == manifest.get("evidence_set_sha256")
    checks.append(Check("evidence_set_sha256 matches the items", ok, "" if ok else f"recomputed {expected}",
                        key="evidence_set"))
    return checks


def _custody_check(data: bytes) -> Check:
    """Each custody event's hash covers what the line says, and an event that follows another in the
    server's chain (seq + 1) names that event's hash as its prev: the log was not edited after export."""
    name = "custody.jsonl: every event matches its hash and the one before it"
    previous = None
    for number, line in enumerate(data.splitlines(), start=1):
        try:
            event = json.loads(line)
            stated = event.pop("hash")
            seq = event["seq"]
        except (ValueError, KeyError, TypeError, AttributeError):
            return Check(name, False, f"line {number} is not a custody event", key="custody", subject=CUSTODY_NAME)
        canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if hashlib.sha256(canonical.encode()).hexdigest() != stated:
            return Check(name, False, f"line {number} (event {seq}) does not match its hash", key="custody",
                         subject=CUSTODY_NAME)
        if previous and isinstance(seq, int) and seq == previous[0] + 1 and event.get("prev") != previous[1]:
            return Check(name, False, f"line {number} (event {seq}) does not follow event {previous[0]}",
                         key="custody", subject=CUSTODY_NAME)
        previous = (seq, stated) if isinstance(seq, int) else None
    return Check(name, True, "", key="custody", subject=CUSTODY_NAME)


def parse_manifest(data: bytes) -> dict:
    """A manifest.json with a list of items, each an object; ValueError saying what is wrong otherwise."""
    try:
        manifest = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("items"), list) \
            or not all(isinstance(item, dict) for item in manifest["items"]):
        raise ValueError("no list of items")
    return manifest


def manifest_of(path: Path, limits: Limits) -> tuple[dict, bool]:
    """(the manifest, whether path was a whole packet) from a packet.zip or a manifest.json on its own.

    Raises PacketRefused for a packet that is unsafe to read, ValueError for anything that is no manifest.
    """
    with open(path, "rb") as file:
        is_zip = file.read(4) == b"PK\x03\x04" or zipfile.is_zipfile(file)
    if not is_zip:
        if path.stat().st_size > MAX_SMALL_BYTES:
            raise ValueError("too large for a manifest.json")
        return parse_manifest(path.read_bytes()), False
    with open_packet(path, limits) as archive:
        names = {info.filename: info for info in archive.infolist()}
        if MANIFEST_NAME not in names:
            raise ValueError("the packet has no manifest.json")
        return parse_manifest(read_small(archive, names[MANIFEST_NAME])), True


def items_with_sha256(manifest: dict, sha256: str) -> list[dict]:
    """The manifest's items whose recorded hash is sha256 (lower-case hex)."""
    return [item for item in manifest["items"] if str(item.get("sha256", "")).lower() == sha256]
