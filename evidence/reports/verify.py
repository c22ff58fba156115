"""Check a packet the way a recipient would: every hash, the signature, the timestamp, the PDF.

Nothing is extracted but the report (to a temporary file, for the PDF signature check); every
other entry is hashed while it streams, so a hostile ZIP cannot write outside a folder or
fill the disk.
"""

import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from evidence.reports.assemble import evidence_set_sha256
from evidence.reports.packet import MANIFEST_NAME, README_NAME, REPORT_NAME, SUMS_NAME
from evidence.storage.backends import CHUNK

UNLISTED = (SUMS_NAME, f"{SUMS_NAME}.sig", f"{SUMS_NAME}.tsr")
MAX_ENTRY_BYTES = 8 << 30  # larger than any upload the server accepts


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not applicable (no timestamp in the packet)
    detail: str = ""

    def line(self) -> str:
        mark = "OK  " if self.ok else ("SKIP" if self.ok is None else "FAIL")
        return f"{mark} {self.name}" + (f": {self.detail}" if self.detail else "")


def verify_packet(path: Path, trusted_ca_pem: bytes | None = None) -> list[Check]:
    """Every check, in order; the packet is good when none has ok=False."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        return [Check("packet is a ZIP file", False, str(error))]
    with archive:
        names = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        checks = [Check("packet has README.txt, report.pdf, manifest.json, SHA256SUMS",
                        all(n in names for n in (README_NAME, REPORT_NAME, MANIFEST_NAME, SUMS_NAME)))]
        if not checks[0].ok or SUMS_NAME not in names:
            return checks
        sums = archive.read(SUMS_NAME)
        listed = _parse_sums(sums)
        checks += _hash_checks(archive, names, listed)
        ca_pem = archive.read("certs/ca.pem") if "certs/ca.pem" in names else b""
        checks += _certificate_checks(ca_pem, trusted_ca_pem)
        checks.append(_signature_check(archive, names, sums, ca_pem))
        checks.append(_timestamp_check(archive, names, sums))
        checks.append(_pdf_check(archive, ca_pem))
        checks += _manifest_checks(archive, listed)
    return checks


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
            checks.append(Check(f"sha256 {name}", False, "listed in SHA256SUMS but missing"))
            continue
        if names[name].file_size > MAX_ENTRY_BYTES:
            checks.append(Check(f"sha256 {name}", False, "larger than any file the server stores"))
            continue
        digest = hashlib.sha256()
        with archive.open(name) as entry:
            while chunk := entry.read(CHUNK):
                digest.update(chunk)
        ok = digest.hexdigest() == expected
        checks.append(Check(f"sha256 {name}", ok, "" if ok else f"is {digest.hexdigest()}, SHA256SUMS says {expected}"))
    extra = [n for n in names if n not in listed and n not in UNLISTED and not n.startswith("certs/")]
    checks.append(Check("every file is listed in SHA256SUMS", not extra, ", ".join(sorted(extra)[:5])))
    return checks


def _certificate_checks(ca_pem: bytes, trusted_ca_pem: bytes | None) -> list[Check]:
    if not ca_pem:
        return [Check("certs/ca.pem present", False)]
    fingerprint = _fingerprint(ca_pem)
    checks = [Check("signing certificate (SHA-256 fingerprint; compare with the one the server publishes)",
                    True, fingerprint)]
    if trusted_ca_pem is not None:
        ok = fingerprint == _fingerprint(trusted_ca_pem)
        checks.append(Check("signing certificate is the trusted one", ok, "" if ok else "a different certificate"))
    return checks


def _fingerprint(pem: bytes) -> str:
    return x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256()).hex(":").upper()


def _signature_check(archive, names, sums: bytes, ca_pem: bytes) -> Check:
    from evidence.reports import signing

    name = f"{SUMS_NAME}.sig"
    if name not in names or not ca_pem:
        return Check("signature over SHA256SUMS", False, "missing")
    ok, detail = signing.verify_detached(sums, archive.read(name), ca_pem)
    return Check("signature over SHA256SUMS", ok, detail)


def _timestamp_check(archive, names, sums: bytes) -> Check:
    from evidence.reports import signing

    name = f"{SUMS_NAME}.tsr"
    if name not in names:
        return Check("timestamp over SHA256SUMS", None, "no timestamp authority was configured")
    tsa_certs = b"".join(archive.read(n) for n in sorted(names) if n.startswith("certs/tsa"))
    ok, detail = signing.verify_timestamp_reply(sums, archive.read(name), tsa_certs)
    return Check("timestamp over SHA256SUMS", ok, detail)


def _pdf_check(archive, ca_pem: bytes) -> Check:
    from evidence.reports import signing

    with tempfile.TemporaryDirectory(prefix="verify-") as folder:
        report = Path(folder) / "report.pdf"
        with archive.open(REPORT_NAME) as source, open(report, "wb") as target:
            while chunk := source.read(CHUNK):
                target.write(chunk)
        ok, detail = signing.verify_pdf(report, ca_pem)
    return Check("report.pdf signature", ok, detail)


def _manifest_checks(archive, listed: dict) -> list[Check]:
    try:
        manifest = json.loads(archive.read(MANIFEST_NAME))
        items = manifest["items"]
    except (KeyError, ValueError, TypeError) as error:
        return [Check("manifest.json is readable", False, str(error))]
    wrong = [item.get("exhibit", "?") for item in items if listed.get(item.get("path")) != item.get("sha256")]
    checks = [Check("every manifest item is in the packet with its hash", not wrong, ", ".join(wrong[:5]))]
    expected = evidence_set_sha256(item["sha256"] for item in items)
    ok = expected == manifest.get("evidence_set_sha256")
    checks.append(Check("evidence_set_sha256 matches the items", ok, "" if ok else f"recomputed {expected}"))
    return checks
