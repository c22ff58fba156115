"""The complaint packet: a ZIP anyone can check with sha256sum, openssl and pdfsig.

Layout (the public contract): README.txt, report.pdf, manifest.json, originals/…,
records/calls.csv, records/messages.csv, custody.jsonl, SHA256SUMS, SHA256SUMS.sig, SHA256SUMS.tsr (with a
TSA), certs/. Entries are written in a fixed order with the bundle's own time, so the same
bundle always gives the same manifest and the same listing.
"""

import hashlib
import json
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from evidence.intake.models import EvidenceItem
from evidence.reports.models import Bundle
from evidence.storage.backends import CHUNK, get_storage

README_NAME, REPORT_NAME, MANIFEST_NAME, SUMS_NAME = "README.txt", "report.pdf", "manifest.json", "SHA256SUMS"
CUSTODY_NAME = "custody.jsonl"
PACKET_FORMAT = "evidence-locker-packet/1"


class OriginalChanged(Exception):
    """An original's bytes no longer match the hash taken on arrival."""

    def __init__(self, item: EvidenceItem, actual: str):
        super().__init__(item.id)
        self.item, self.actual = item, actual


@dataclass
class Signatures:
    """What signs SHA256SUMS: callables, so tests and deployments can choose the signer."""

    sign: callable  # bytes -> DER CMS detached signature
    timestamp: callable  # bytes -> DER TimeStampResp, or None without a TSA
    certificates: callable  # tsr (or None) -> {"certs/ca.pem": bytes, ...}


def safe_name(name: str, limit: int = 80) -> str:
    """A file name that is safe in any unzip tool: letters (any script), digits, . _ - only."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[^\w.\-]+", "_", name).strip("._") or "file"
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:limit]
    return name


def original_path(number: int, item: EvidenceItem) -> str:
    return f"originals/{number:03d}-{item.sha256[:12]}-{safe_name(item.original_name or item.kind)}"


def manifest(bundle: Bundle, items: list[EvidenceItem], paths: dict, records: dict, custody: dict | None = None) -> bytes:
    case = bundle.case
    data = {
        "format": PACKET_FORMAT,
        "case": {
            "id": str(case.id), "title": case.title, "jurisdiction": case.jurisdiction, "timezone": case.timezone,
            "counterparty": {"lender": case.lender, "app": case.lending_app, "agency": case.collection_agency},
        },
        "bundle": {"id": str(bundle.id), "purpose": bundle.purpose, "authority": bundle.authority,
                   "language": bundle.language},
        "generated_at": bundle.created_at.isoformat(),
        "evidence_set_sha256": bundle.evidence_set_sha256,
        "evidence_set_rule": "sha256 of the sorted distinct item sha256 values, one per line, each ending in \\n",
        "items": [
            {
                "exhibit": f"E-{n:03d}", "id": str(item.id), "kind": item.kind, "path": paths[item.id],
                "sha256": item.sha256, "size": item.size, "mime": item.mime, "original_name": item.original_name,
                "occurred_at": item.occurred_at.isoformat() if item.occurred_at else None,
                "occurred_at_source": item.occurred_at_source, "received_at": item.received_at.isoformat(),
                "imported_from": str(item.imported_from_id) if item.imported_from_id else None,
                "purpose": item.purpose, "summary": item.summary, "provided_by": item.provided_by,
            }
            for n, item in enumerate(items, start=1)
        ],
        "records": records,
        **({"custody": custody} if custody is not None else {}),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


class HashingFile:
    """A file written strictly forward that hashes every byte on the way out.

    It has no seek(), so zipfile writes each entry's sizes after its data (a data descriptor)
    instead of going back to patch the header: the packet's SHA-256 is known when it is closed,
    without reading 800 MB again.
    """

    def __init__(self, path: Path):
        self.file = open(path, "wb")
        self.digest = hashlib.sha256()
        self.position = 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.position += len(data)
        return self.file.write(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
        finally:  # a full disk fails the flush: the descriptor is let go all the same
            self.file.close()


class PacketWriter:
    """Writes entries in order, hashing each as it goes, then the signed list of hashes."""

    def __init__(self, path: Path, moment):
        self.out = HashingFile(path)
        self.zip = zipfile.ZipFile(self.out, "w", allowZip64=True)
        self.date_time = moment.utctimetuple()[:6]
        self.sums: list[tuple[str, str]] = []

    def _info(self, name: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def add_bytes(self, name: str, data: bytes, *, listed: bool = True) -> None:
        self.zip.writestr(self._info(name, compress=True), data)
        if listed:
            self.sums.append((hashlib.sha256(data).hexdigest(), name))

    def add_file(self, name: str, source, *, expected_sha256: str = "", compress: bool = False) -> str:
        """Stream a file in; returns its SHA-256. Pictures and PDFs are stored, not deflated."""
        digest = hashlib.sha256()
        with self.zip.open(self._info(name, compress), "w", force_zip64=True) as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        if expected_sha256 and sha256 != expected_sha256:
            raise ValueError(name)
        self.sums.append((sha256, name))
        return sha256

    def sums_file(self) -> bytes:
        return "".join(f"{sha}  {name}\n" for sha, name in self.sums).encode("utf-8")

    def close(self) -> str:
        """Finish the ZIP; its SHA-256."""
        try:
            self.zip.close()
        finally:
            self.out.close()
        return self.out.digest.hexdigest()

    def abandon(self) -> None:
        """Let go of a packet that failed half-way (its file is deleted next); never raises."""
        try:
            self.close()
        except Exception:  # noqa: BLE001 - the error that stopped the packet is the one to report
            pass


def write_packet(
    *, bundle: Bundle, items: list[EvidenceItem], report_path: Path, readme: bytes, records: dict,
    extra: dict[str, bytes], signatures: Signatures, out_path: Path, custody: bytes | None = None,
    on_progress=lambda fraction: None,
) -> tuple[str, str]:
    """Write packet.zip; (report SHA-256, packet SHA-256). An original whose bytes differ from its
    recorded hash stops it."""
    storage = get_storage()
    paths = {item.id: original_path(n, item) for n, item in enumerate(items, start=1)}
    record_names = {name: f"records/{name}" for name in records}
    writer = PacketWriter(out_path, bundle.created_at)
    try:
        writer.add_bytes(README_NAME, readme)
        with open(report_path, "rb") as report:
            report_sha256 = writer.add_file(REPORT_NAME, report)
        counts = {name: file.rows for name, file in records.items()}
        custody_entry = None if custody is None else {
            "path": CUSTODY_NAME, "events": custody.count(b"\n"),
            "rule": "each line's hash is the sha256 of the line without its \"hash\" key, keys sorted, no spaces"}
        writer.add_bytes(MANIFEST_NAME, manifest(bundle, items, paths, {
            name: {"path": path, "rows": counts[name]} for name, path in record_names.items()}, custody_entry))
        total = sum(item.size for item in items) or 1
        done = 0
        for item in items:
            with storage.open(item.sha256) as original:
                try:
                    writer.add_file(paths[item.id], original, expected_sha256=item.sha256)
                except ValueError:
                    raise OriginalChanged(item, "") from None
            done += item.size
            on_progress(done / total)
        for name, file in records.items():  # records.CsvFile: written to a file, streamed in
            with open(file.path, "rb") as source:
                writer.add_file(record_names[name], source, compress=True)
        if custody is not None:
            writer.add_bytes(CUSTODY_NAME, custody)
        for name, data in extra.items():
            writer.add_bytes(name, data)
        sums = writer.sums_file()
        writer.add_bytes(SUMS_NAME, sums, listed=False)
        writer.add_bytes(f"{SUMS_NAME}.sig", signatures.sign(sums), listed=False)
        reply = signatures.timestamp(sums)
        if reply is not None:
            writer.add_bytes(f"{SUMS_NAME}.tsr", reply, listed=False)
        for name, data in signatures.certificates(reply).items():
            writer.add_bytes(name, data, listed=False)
    except BaseException:
        writer.abandon()
        raise
    return report_sha256, writer.close()
