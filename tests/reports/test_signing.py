"""Signing the packet: checked with the same standard tools a recipient uses (openssl, pdfsig), not only in Python."""

import os
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.exceptions import ImproperlyConfigured

from evidence.reports.signing import (
    TimestampError,
    clear_identity_cache,
    pki,
    sign_detached,
    sign_pdf,
    signing_identity,
    timestamp_reply,
    tsa_certificate_files,
    tsa_certificates_pem,
    verify_detached,
    verify_pdf,
    verify_timestamp_reply,
)
from evidence.reports.signing import identity as identity_module
from tests.local_tsa import POLICY_OID, LocalTSA

ROOT = Path(__file__).resolve().parents[2]
SUMS = b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  report.pdf\n"


def configure(settings, data_dir: Path, **extra) -> None:
    """Point signing at data_dir, with nothing configured by the operator and no TSA unless given."""
    settings.DATA_DIR = data_dir
    settings.SIGNING_KEY_PATH = settings.SIGNING_CERT_PATH = settings.SIGNING_CA_PATH = ""
    settings.SIGNING_NAME = ""
    settings.TSA_URL = settings.TSA_CA_PATH = ""
    for name, value in extra.items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def shared_data(tmp_path_factory) -> Path:
    """One DATA_DIR for the tests that only need *an* identity (RSA-3072 generation takes ~0.5 s)."""
    return tmp_path_factory.mktemp("signing-data")


@pytest.fixture
def identity(settings, shared_data):
    configure(settings, shared_data)
    return signing_identity()


@pytest.fixture(scope="module")
def local_tsa(tmp_path_factory):
    with LocalTSA(tmp_path_factory.mktemp("tsa")) as tsa:
        yield tsa


@pytest.fixture
def tsa(settings, identity, local_tsa) -> LocalTSA:
    settings.TSA_URL = local_tsa.url
    return local_tsa


def run(*command) -> subprocess.CompletedProcess:
    """Run a verification tool as a recipient would; output captured as text."""
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=60)


def write_packet_files(folder: Path, data: bytes, identity) -> dict[str, Path]:
    """SHA256SUMS, its signature and certs/ laid out as in the packet."""
    (folder / "certs").mkdir(parents=True, exist_ok=True)
    files = {
        "sums": folder / "SHA256SUMS",
        "sig": folder / "SHA256SUMS.sig",
        "ca": folder / "certs" / "ca.pem",
        "signer": folder / "certs" / "signer.pem",
    }
    files["sums"].write_bytes(data)
    files["sig"].write_bytes(sign_detached(data))
    files["ca"].write_bytes(identity.ca_pem)
    files["signer"].write_bytes(identity.certificate_pem)
    return files


def openssl_cms_verify(files: dict[str, Path]) -> subprocess.CompletedProcess:
    return run(
        "openssl",
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        files["sig"],
        "-content",
        files["sums"],
        "-CAfile",
        files["ca"],
        "-out",
        "/dev/null",
    )


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Identity


def test_it_generates_the_identity_once_and_reuses_it(settings, tmp_path):
    configure(settings, tmp_path)
    first = signing_identity()
    assert signing_identity() is first
    clear_identity_cache()
    assert signing_identity().fingerprint == first.fingerprint  # re-read from disk, not regenerated
    folder = tmp_path / "signing"
    assert (folder / "current" / "signer.key").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in folder.iterdir()) == ["current"]  # no staging leftovers


def test_it_makes_a_root_and_a_signer_fit_for_cms_and_pdf(identity):
    cert, (root,) = identity.certificate, identity.ca_certificates
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "证据柜 Evidence Locker Root"
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.issuer == root.subject
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "证据柜 Evidence Locker Signer"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.EMAIL_PROTECTION]
    assert identity.ca_pem.count(b"BEGIN CERTIFICATE") == identity.certificate_pem.count(b"BEGIN CERTIFICATE") == 1


def test_it_puts_the_deployment_name_in_the_signer_name(settings, tmp_path):
    configure(settings, tmp_path, SIGNING_NAME="某市法律援助中心")
    common_name = signing_identity().certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert common_name == "证据柜 Evidence Locker Signer · 某市法律援助中心"


def test_it_never_hands_out_key_material(identity, caplog, settings, tmp_path):
    assert b"PRIVATE" not in identity.certificate_pem + identity.ca_pem
    assert "PRIVATE" not in repr(identity)
    with pytest.raises(TypeError):
        pickle.dumps(identity)
    configure(settings, tmp_path)
    with caplog.at_level("DEBUG"):
        signing_identity()
    assert "PRIVATE" not in caplog.text and "Generated a signing identity" in caplog.text
    # The root's key is never written: only the signer's key is on disk.
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "signing" / "current").iterdir())
    assert on_disk.count(b"PRIVATE KEY-----") == 2  # BEGIN + END of signer.key


def test_it_ends_with_one_identity_when_processes_race(tmp_path, settings):
    """Three workers starting at once, released by one barrier file, agree on one identity."""
    data_dir, barrier = tmp_path / "data", tmp_path / "go"
    child = (
        "import sys, time\nfrom pathlib import Path\nfrom django.conf import settings\n"
        "settings.configure(DATA_DIR=Path(sys.argv[1]))\n"
        "from evidence.reports.signing import signing_identity\n"
        "Path(sys.argv[3]).touch()\n"
        "deadline = time.monotonic() + 60\n"
        "while not Path(sys.argv[2]).exists() and time.monotonic() < deadline:\n    time.sleep(0.002)\n"
        "print(signing_identity().fingerprint)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    ready = [tmp_path / f"ready-{n}" for n in range(3)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", child, str(data_dir), str(barrier), str(flag)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    barrier.touch()
    results = [worker.communicate(timeout=120) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err for _, err in results]
    fingerprints = {out.strip() for out, _ in results}
    assert len(fingerprints) == 1
    configure(settings, data_dir)
    assert signing_identity().fingerprint == fingerprints.pop()
    assert sorted(p.name for p in (data_dir / "signing").iterdir()) == ["current"]


def test_it_keeps_the_winners_identity_when_it_loses_the_rename(settings, tmp_path):
    configure(settings, tmp_path)
    winner = signing_identity()
    assert identity_module._commit(tmp_path / "signing", "") is False  # a late process generated too
    clear_identity_cache()
    assert signing_identity().fingerprint == winner.fingerprint
    assert sorted(p.name for p in (tmp_path / "signing").iterdir()) == ["current"]


def test_it_loads_an_identity_configured_in_settings(settings, identity, shared_data, tmp_path):
    current = shared_data / "signing" / "current"
    configure(
        settings,
        tmp_path,
        SIGNING_KEY_PATH=str(current / "signer.key"),
        SIGNING_CERT_PATH=str(current / "signer.pem"),
        SIGNING_CA_PATH=str(current / "ca.pem"),
    )
    configured = signing_identity()
    assert configured.source == "configured" and configured.fingerprint == identity.fingerprint
    assert configured.ca_pem == identity.ca_pem
    assert not (tmp_path / "signing").exists()  # nothing generated


def test_it_refuses_a_key_that_does_not_match_the_certificate(settings, identity, shared_data, tmp_path):
    (tmp_path / "other.key").write_bytes(pki.key_to_pem(pki.new_key()))
    (tmp_path / "other.key").chmod(0o600)
    configure(
        settings,
        tmp_path,
        SIGNING_KEY_PATH=str(tmp_path / "other.key"),
        SIGNING_CERT_PATH=str(shared_data / "signing" / "current" / "signer.pem"),
    )
    with pytest.raises(ImproperlyConfigured):
        signing_identity()


# Detached CMS signature over SHA256SUMS


def test_it_signs_bytes_so_that_openssl_cms_verifies_them(identity, tmp_path):
    files = write_packet_files(tmp_path, SUMS, identity)
    result = openssl_cms_verify(files)
    assert result.returncode == 0, result.stderr
    assert "Verification successful" in result.stderr  # default purpose (smimesign): no -purpose any needed
    assert verify_detached(SUMS, files["sig"].read_bytes(), identity.ca_pem) == (
        True,
        f"valid signature by {_human(identity.certificate)}",
    )


def test_it_fails_openssl_cms_verify_after_one_byte_changes(identity, tmp_path):
    files = write_packet_files(tmp_path, SUMS, identity)
    tampered = bytearray(SUMS)
    tampered[0] ^= 0x01
    files["sums"].write_bytes(bytes(tampered))
    result = openssl_cms_verify(files)
    assert result.returncode != 0 and "Verification successful" not in result.stderr
    ok, why = verify_detached(bytes(tampered), files["sig"].read_bytes(), identity.ca_pem)
    assert not ok and "digest mismatch" in why


def test_it_trusts_only_the_given_ca_for_detached_signatures(identity, local_tsa, tmp_path):
    files = write_packet_files(tmp_path, SUMS, identity)
    files["ca"].write_bytes(local_tsa.ca_pem_path.read_bytes())  # some other root
    assert openssl_cms_verify(files).returncode != 0
    ok, why = verify_detached(SUMS, files["sig"].read_bytes(), local_tsa.ca_pem_path)
    assert not ok and "not trusted" in why
    # The signer's own certificate handed in as "CA" is not a trust anchor either.
    assert verify_detached(SUMS, files["sig"].read_bytes(), identity.certificate_pem)[0] is False


# RFC 3161 timestamps


def test_it_timestamps_data_so_that_openssl_ts_verifies_it(tsa, tmp_path):
    reply = timestamp_reply(SUMS)
    (tmp_path / "SHA256SUMS").write_bytes(SUMS)
    (tmp_path / "SHA256SUMS.tsr").write_bytes(reply)
    (tmp_path / "tsa.pem").write_bytes(tsa_certificates_pem(reply))  # what the packet ships
    assert pki.load_pem_certs(tsa_certificates_pem(reply)) == pki.load_pem_certs(tsa.cert_pem_path.read_bytes())
    result = run(
        "openssl",
        "ts",
        "-verify",
        "-data",
        tmp_path / "SHA256SUMS",
        "-in",
        tmp_path / "SHA256SUMS.tsr",
        "-CAfile",
        tsa.ca_pem_path,
        "-untrusted",
        tmp_path / "tsa.pem",
    )
    assert result.returncode == 0 and "Verification: OK" in result.stdout, result.stderr
    ok, why = verify_timestamp_reply(SUMS, reply, tsa.ca_pem_path)
    assert ok, why
    assert "valid timestamp by" in why and "time 20" in why


def test_it_fails_openssl_ts_verify_for_other_data(tsa, tmp_path):
    reply = timestamp_reply(SUMS)
    (tmp_path / "other").write_bytes(SUMS + b"\n")
    (tmp_path / "reply.tsr").write_bytes(reply)
    result = run(
        "openssl",
        "ts",
        "-verify",
        "-data",
        tmp_path / "other",
        "-in",
        tmp_path / "reply.tsr",
        "-CAfile",
        tsa.ca_pem_path,
        "-untrusted",
        tsa.cert_pem_path,
    )
    assert result.returncode != 0 and "Verification: OK" not in result.stdout
    ok, why = verify_timestamp_reply(SUMS + b"\n", reply, tsa.ca_pem_path)
    assert not ok and "imprint mismatch" in why


def test_it_trusts_only_the_given_tsa_ca(tsa, identity):
    reply = timestamp_reply(SUMS)
    assert verify_timestamp_reply(SUMS, reply, identity.ca_pem)[0] is False
    assert verify_timestamp_reply(SUMS, reply, tsa.cert_pem_path)[0] is False  # the TSA cert alone is no anchor
    assert verify_timestamp_reply(SUMS, reply, [tsa.ca_pem_path, tsa.cert_pem_path])[0] is True


def test_it_gives_the_packet_the_tsa_files_openssl_needs(tsa, settings, tmp_path):
    settings.TSA_CA_PATH = str(tsa.ca_pem_path)
    reply = timestamp_reply(SUMS)
    files = tsa_certificate_files(reply)
    assert sorted(files) == ["certs/tsa-ca.pem", "certs/tsa.pem"]
    assert files["certs/tsa-ca.pem"] == tsa.ca_pem_path.read_bytes()
    for name, content in {**files, "SHA256SUMS": SUMS, "SHA256SUMS.tsr": reply}.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(content)
    result = run(
        "openssl",
        "ts",
        "-verify",
        "-data",
        tmp_path / "SHA256SUMS",
        "-in",
        tmp_path / "SHA256SUMS.tsr",
        "-CAfile",
        tmp_path / "certs/tsa-ca.pem",
        "-untrusted",
        tmp_path / "certs/tsa.pem",
    )
    assert "Verification: OK" in result.stdout, result.stderr
    assert verify_timestamp_reply(SUMS, reply, list(files.values()))[0] is True
    settings.TSA_CA_PATH = ""  # LocalTSA embeds no root, so there is nothing to offer as tsa-ca.pem
    assert sorted(tsa_certificate_files(reply)) == ["certs/tsa.pem"]


def test_it_uses_its_own_policy_oid(tsa):
    reply = tsp.TimeStampResp.load(timestamp_reply(SUMS))
    info = reply["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["policy"].dotted == POLICY_OID != "1.3.6.1.4.1.4146.2.2"


def test_it_gives_no_timestamp_when_no_tsa_is_configured(identity):
    assert timestamp_reply(SUMS) is None


def test_it_raises_timestamp_error_when_the_tsa_is_unreachable(identity, settings):
    settings.TSA_URL = f"http://127.0.0.1:{closed_port()}/"
    with pytest.raises(TimestampError, match="unreachable"):
        timestamp_reply(SUMS)


def test_it_raises_timestamp_error_for_a_tsa_outside_tsa_ca_path(tsa, identity, settings, tmp_path):
    (tmp_path / "wrong-ca.pem").write_bytes(identity.ca_pem)
    settings.TSA_CA_PATH = str(tmp_path / "wrong-ca.pem")
    with pytest.raises(TimestampError, match="not trusted"):
        timestamp_reply(SUMS)
    settings.TSA_CA_PATH = str(tsa.ca_pem_path)
    assert timestamp_reply(SUMS)


# PAdES signature on the report PDF


def make_pdf(path: Path) -> None:
    """A small report-like PDF: WeasyPrint when installed, else a hand-written one-page PDF."""
    try:
        import weasyprint
    except ImportError:
        path.write_bytes(minimal_pdf("Evidence Locker test report"))
        return
    weasyprint.HTML(string="<h1>证据目录</h1><p>E-001 screenshot 2026-01-02</p>").write_pdf(path)


def minimal_pdf(text: str) -> bytes:
    """One page showing text, with a correct xref table."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def nss_db(identity, tmp_path) -> Path:
    """An NSS database trusting our root, so pdfsig can say "Certificate is Trusted"."""
    folder = tmp_path / "nssdb"
    folder.mkdir()
    (tmp_path / "ca.pem").write_bytes(identity.ca_pem)
    assert run("certutil", "-N", "-d", f"sql:{folder}", "--empty-password").returncode == 0
    added = run(
        "certutil", "-A", "-d", f"sql:{folder}", "-n", "evidence-locker-root", "-t", "CT,C,C", "-i", tmp_path / "ca.pem"
    )
    assert added.returncode == 0, added.stderr
    return folder


def pdfsig(path: Path, nss_db: Path | None = None) -> str:
    result = run("pdfsig", *(["-nssdir", f"sql:{nss_db}"] if nss_db else []), path)
    return result.stdout + result.stderr


def test_it_signs_a_pdf_that_pdfsig_trusts(identity, nss_db, tmp_path):
    make_pdf(tmp_path / "report.pdf")
    sign_pdf(tmp_path / "report.pdf", tmp_path / "signed.pdf")
    original, signed = (tmp_path / "report.pdf").read_bytes(), (tmp_path / "signed.pdf").read_bytes()
    assert signed.startswith(original)  # an incremental update: the original bytes are kept as they were
    report = pdfsig(tmp_path / "signed.pdf", nss_db)
    assert "Signature is Valid" in report and "Total document signed" in report, report
    assert "Certificate is Trusted" in report and "ETSI.CAdES.detached" in report, report
    ok, why = verify_pdf(tmp_path / "signed.pdf", identity.ca_pem)
    assert ok and why.endswith("covers the whole document") and "no timestamp" in why, why
    assert verify_pdf(tmp_path / "signed.pdf", identity.ca_pem, require_timestamp=True)[0] is False


def test_it_timestamps_the_pdf_signature(tsa, identity, nss_db, tmp_path):
    make_pdf(tmp_path / "report.pdf")
    sign_pdf(tmp_path / "report.pdf", tmp_path / "signed.pdf")
    report = pdfsig(tmp_path / "signed.pdf", nss_db)
    assert "Signature is Valid" in report and "Certificate is Trusted" in report, report
    ok, why = verify_pdf(tmp_path / "signed.pdf", identity.ca_pem, tsa_ca_pem=tsa.ca_pem_path, require_timestamp=True)
    assert ok and "(trusted TSA)" in why, why
    ok, why = verify_pdf(tmp_path / "signed.pdf", identity.ca_pem, tsa_ca_pem=identity.ca_pem)
    assert not ok and "TSA is not trusted" in why


def test_it_reports_a_flipped_byte_in_the_signed_pdf(identity, nss_db, tmp_path):
    make_pdf(tmp_path / "report.pdf")
    sign_pdf(tmp_path / "report.pdf", tmp_path / "signed.pdf")
    data = bytearray((tmp_path / "signed.pdf").read_bytes())
    data[data.index(b"stream\n") + 12] ^= 0x01  # inside the first stream's data: the structure still parses
    (tmp_path / "tampered.pdf").write_bytes(bytes(data))
    report = pdfsig(tmp_path / "tampered.pdf", nss_db)
    assert "Digest Mismatch" in report and "Signature is Valid" not in report, report
    ok, why = verify_pdf(tmp_path / "tampered.pdf", identity.ca_pem)
    assert not ok and "digest mismatch" in why, why


def test_it_reports_a_pdf_changed_after_signing(identity, tmp_path):
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    make_pdf(tmp_path / "report.pdf")
    sign_pdf(tmp_path / "report.pdf", tmp_path / "signed.pdf")
    with open(tmp_path / "signed.pdf", "rb") as source, open(tmp_path / "changed.pdf", "wb") as out:
        writer = IncrementalPdfFileWriter(source)
        writer.root[NameObject("/Lang")] = TextStringObject("en")
        writer.update_root()
        writer.write(out)
    ok, why = verify_pdf(tmp_path / "changed.pdf", identity.ca_pem)
    assert not ok and "modification policy" in why, why
    appended = (tmp_path / "signed.pdf").read_bytes() + b"\n% a line added after signing\n"
    (tmp_path / "appended.pdf").write_bytes(appended)
    assert "Not total document signed" in pdfsig(tmp_path / "appended.pdf")
    ok, why = verify_pdf(tmp_path / "appended.pdf", identity.ca_pem)
    assert not ok and "does not cover the whole document" in why, why


def test_it_raises_timestamp_error_when_signing_a_pdf_without_its_tsa(identity, settings, tmp_path):
    settings.TSA_URL = f"http://127.0.0.1:{closed_port()}/"
    make_pdf(tmp_path / "report.pdf")
    with pytest.raises(TimestampError):
        sign_pdf(tmp_path / "report.pdf", tmp_path / "signed.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # no half-written output left behind


def test_it_rejects_garbage_instead_of_crashing(identity, tsa):
    assert verify_detached(SUMS, b"not DER", identity.ca_pem)[0] is False
    assert verify_timestamp_reply(SUMS, b"not DER", tsa.ca_pem_path)[0] is False


def _human(cert: x509.Certificate) -> str:
    """The subject the way pyhanko prints it."""
    from evidence.reports.signing.trust import to_asn1

    return to_asn1(cert).subject.human_friendly
