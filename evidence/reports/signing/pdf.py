"""PAdES signatures on the report PDF (B-B, or B-T when TSA_URL is set), checkable with pdfsig."""

import os
import tempfile
from pathlib import Path

from asn1crypto import keys
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .identity import SigningIdentity, signing_identity
from .timestamps import SettingsTimeStamper, tsa_url
from .trust import CertSource, describe, run, to_asn1, validation_context

FIELD_NAME = "EvidenceLockerSignature"
# Any of these key usages will do for a document signature; no EKU constraint (PDF has no standard one).
PDF_SIGNER_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})


def sign_pdf(in_path: str | os.PathLike, out_path: str | os.PathLike) -> None:
    """Sign in_path into out_path as an incremental update (PAdES, SHA-256, TSA timestamp when configured)."""
    url = tsa_url()
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
        ),
        _pyhanko_signer(signing_identity()),
        timestamper=SettingsTimeStamper(url) if url else None,  # the signature timestamp makes it PAdES B-T
    )
    out_path = Path(out_path)
    # Write beside the target and rename: a reader never sees half a PDF, and in_path may equal out_path.
    with tempfile.NamedTemporaryFile(dir=out_path.parent, prefix=f".{out_path.name}.", delete=False) as temp:
        try:
            with open(in_path, "rb") as source:
                # Incremental: the original bytes stay untouched at the start of the signed file.
                run(pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(source), output=temp))
            temp.flush()
            os.fsync(temp.fileno())
        except BaseException:
            os.unlink(temp.name)
            raise
    os.replace(temp.name, out_path)


def _pyhanko_signer(identity: SigningIdentity) -> signers.SimpleSigner:
    """A pyhanko signer for the identity, embedding the chain so viewers can show it."""
    # pyhanko wants the key as asn1crypto PrivateKeyInfo; the DER lives only in this process's memory.
    key_der = identity._private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    chain = [to_asn1(cert) for cert in (*identity.intermediates, *identity.ca_certificates)]
    return signers.SimpleSigner(
        signing_cert=to_asn1(identity.certificate),
        signing_key=keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def verify_pdf(
    path: str | os.PathLike,
    ca_pem: CertSource,
    *,
    tsa_ca_pem: CertSource | None = None,
    require_timestamp: bool = False,
) -> tuple[bool, str]:
    """Whether every signature in the PDF is intact, valid and chains to ca_pem, the last covering the whole file.

    A signature timestamp, when present, must be sound; it must also be trusted when tsa_ca_pem is given.
    """
    try:
        with open(path, "rb") as file:
            signatures = PdfFileReader(file).embedded_signatures
            if not signatures:
                return False, "the PDF has no signature"
            signer_context = validation_context(ca_pem)  # trust our CA only; no system store, no fetching
            ts_context = (
                validation_context(tsa_ca_pem)
                if tsa_ca_pem
                else ValidationContext(trust_roots=[], allow_fetching=False)
            )
            statuses = [
                run(
                    async_validate_pdf_signature(
                        sig,
                        signer_validation_context=signer_context,
                        ts_validation_context=ts_context,
                        key_usage_settings=PDF_SIGNER_USAGE,
                    )
                )
                for sig in signatures
            ]
    except Exception as exc:  # a mangled file is a verdict, not a crash
        return False, f"could not verify: {type(exc).__name__}: {exc}"
    verdicts = [_judge(status, tsa_ca_pem is not None, require_timestamp) for status in statuses]
    failed = [why for ok, why in verdicts if not ok]
    if failed:
        return False, "; ".join(failed)
    last = statuses[-1]
    if last.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return False, "the last signature does not cover the whole document: bytes were appended after signing"
    return True, "; ".join(why for _, why in verdicts) + "; covers the whole document"


def _judge(status: PdfSignatureStatus, check_tsa_trust: bool, require_timestamp: bool) -> tuple[bool, str]:
    """The verdict on one PDF signature, its timestamp included."""
    ok, why = describe(status)
    if not ok:
        return False, why
    if not status.docmdp_ok and status.modification_level is not None:
        return False, f"{why}, but later changes are not allowed by the document's modification policy"
    ts = status.timestamp_validity
    if ts is None:
        return (False, f"{why}, but it has no timestamp") if require_timestamp else (True, f"{why}, no timestamp")
    if not (ts.intact and ts.valid):
        return False, f"{why}, but its timestamp is broken"
    if check_tsa_trust and not ts.trusted:
        return False, f"{why}, but its timestamp's TSA is not trusted"
    trust = "trusted TSA" if ts.trusted else "TSA trust not checked"
    return True, f"{why}, timestamp {ts.timestamp.isoformat()} ({trust})"
