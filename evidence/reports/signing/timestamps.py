"""RFC 3161 timestamps: asking the TSA at settings.TSA_URL, and checking a reply offline.

The asking is pyHanko's own client (RequestsHTTPTimeStamper); what it leaves to its caller is
checked here: the imprint, the certificate asked for, the token's signature and, when
TSA_CA_PATH is set, that the TSA is one the operator trusts. A reply (TimeStampResp, .tsr) verifies with
`openssl ts -verify -data FILE -in FILE.tsr -CAfile tsa-ca.pem -untrusted tsa.pem`.
"""

import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit

from asn1crypto import cms, core, pem, tsp
from django.conf import settings
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext

from . import pki
from .trust import CertSource, describe, read_certs, run, validation_context

TIMEOUT = 15  # seconds; a TSA that slow is better reported than waited on by a request worker
GRANTED = ("granted", "granted_with_mods")
# Imprints we accept: SHA-1 and MD5 are out, since a colliding pair would let one token "prove" two files.
IMPRINT_HASHES = ("sha256", "sha384", "sha512")


class TimeStampResp(core.Sequence):
    """RFC 3161 §2.4.2 TimeStampResp; asn1crypto's own wrongly requires the token, which refusals lack."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


class TimestampError(Exception):
    """The TSA is configured but gave no usable timestamp (unreachable, refused, malformed or untrusted)."""


def tsa_url() -> str:
    """settings.TSA_URL, or "" when timestamps are off."""
    return str(getattr(settings, "TSA_URL", "") or "")


def timestamp_reply(data: bytes) -> bytes | None:
    """The TSA's DER TimeStampResp over SHA-256(data), exactly as received; None when TSA_URL is unset."""
    url = tsa_url()
    if not url:
        return None
    return run(SettingsTimeStamper(url).async_reply(hashlib.sha256(data).digest(), "sha256"))[0]


def _redacted(url: str) -> str:
    """The URL without userinfo, query or fragment: TSA credentials must not end up in errors or logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ":?"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def check_reply(reply_der: bytes, digest: bytes, md_algorithm: str, nonce: int | None) -> cms.ContentInfo:
    """The token of a reply to our request, after checking status, nonce, imprint, certificates and signature."""
    try:
        response = TimeStampResp.load(reply_der)
        status = response["status"]
        if status["status"].native not in GRANTED:
            text = "; ".join(status["status_string"].native or [])
            raise TimestampError(f"TSA refused the request: {status['status'].native} {text}".strip())
        token = response["time_stamp_token"]
        signed_data = token["content"]
        info = signed_data["encap_content_info"]["content"].parsed
        imprint = info["message_imprint"]
        nonce_back = info["nonce"].native
        certificates = len(signed_data["certificates"]) if signed_data["certificates"].native else 0
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise TimestampError(f"TSA reply is malformed: {exc}") from exc
    if imprint["hash_algorithm"]["algorithm"].native != md_algorithm or imprint["hashed_message"].native != digest:
        raise TimestampError("TSA timestamped something else (message imprint mismatch)")
    if nonce is not None and nonce_back != nonce:
        raise TimestampError("TSA reply does not answer our request (nonce mismatch): replayed or misrouted")
    if not certificates:
        raise TimestampError("TSA reply carries no certificate although we asked for it (certReq)")
    _check_token_signature(signed_data, lambda algorithm: digest if algorithm == md_algorithm else b"")
    return token


def _check_token_signature(signed_data: cms.SignedData, imprint: Callable[[str], bytes]) -> None:
    """The token's signature must be sound; trusted too when settings.TSA_CA_PATH names the TSA's root."""
    tsa_ca = str(getattr(settings, "TSA_CA_PATH", "") or "")
    # Without TSA_CA_PATH trust is left to whoever verifies the packet, but a token that does not
    # even verify against its own certificate is refused now rather than shipped.
    try:
        context = validation_context(tsa_ca) if tsa_ca else ValidationContext(trust_roots=[], allow_fetching=False)
    except (OSError, ValueError) as exc:
        raise TimestampError(f"TSA_CA_PATH {tsa_ca} holds no usable CA certificate: {exc}") from exc
    try:
        status = _validate(signed_data, imprint, context)
    except Exception as exc:  # pyhanko raises on structural problems
        raise TimestampError(f"TSA token cannot be validated: {exc}") from exc
    ok, why = describe(status)
    if not (status.intact and status.valid) or (tsa_ca and not ok):
        raise TimestampError(f"TSA token rejected: {why}")


def _validate(
    signed_data: cms.SignedData, imprint: Callable[[str], bytes], context: ValidationContext
) -> TimestampSignatureStatus:
    """pyhanko's token check: signature, imprint, TSA certificate path and its timeStamping EKU."""
    return TimestampSignatureStatus(**run(validate_tst_signed_data(signed_data, context, imprint)))


def _imprint_of(data: bytes) -> Callable[[str], bytes]:
    """The expected imprint of data for a hash algorithm the token names (empty for weak ones)."""
    return lambda algorithm: hashlib.new(algorithm, data).digest() if algorithm in IMPRINT_HASHES else b""


def verify_timestamp_reply(data: bytes, tsr_der: bytes, ca_pem_or_paths: CertSource) -> tuple[bool, str]:
    """Whether tsr_der is a granted timestamp over data by a TSA chaining to the given CA (and only it)."""
    try:
        response = TimeStampResp.load(tsr_der)
        status = response["status"]["status"].native
        if status not in GRANTED:
            return False, f"the TSA did not grant this timestamp ({status})"
        signed_data = response["time_stamp_token"]["content"]
        result = _validate(signed_data, _imprint_of(data), validation_context(ca_pem_or_paths))
    except Exception as exc:  # malformed DER, unreadable CA file...: a verdict, not a crash
        return False, f"could not verify: {type(exc).__name__}: {exc}"
    if not result.intact:
        return False, "the timestamp is not over this data (message imprint mismatch) or was altered"
    ok, why = describe(result)
    why = why.replace("signature", "timestamp").replace("signer ", "TSA ")
    return ok, f"{why}; time {result.timestamp.isoformat()}"


def tsa_certificates_pem(tsr_der: bytes) -> bytes:
    """The certificates embedded in a reply's token (the TSA's first when marked so), as PEM."""
    token = TimeStampResp.load(tsr_der)["time_stamp_token"]
    if token.native is None:
        raise ValueError("the reply carries no timestamp token")
    signed_data = token["content"]
    choices = signed_data["certificates"]
    certs = [choice.chosen for choice in (choices if choices.native else []) if choice.name == "certificate"]
    signers = {_sid(info) for info in signed_data["signer_infos"]}
    certs.sort(key=lambda cert: (cert.issuer.dump(), cert.serial_number) not in signers)  # the TSA's own first
    return b"".join(pem.armor("CERTIFICATE", cert.dump()) for cert in certs)


def tsa_subject(tsr_der: bytes) -> str:
    """Who issued a reply's token: its TSA certificate's subject, most specific part first ("CN=…, O=…, C=…")."""
    certs = pki.load_pem_certs(tsa_certificates_pem(tsr_der))
    if not certs:
        raise ValueError("the reply carries no TSA certificate")
    return ", ".join(part.rfc4514_string() for part in reversed(certs[0].subject.rdns))


def timestamp_authority(probe: bytes) -> str:
    """The subject of the TSA that will timestamp this build, from a token over `probe`; "" without TSA_URL.

    The report says who timestamps it before its own timestamps exist (they cover its bytes), so
    it asks the TSA once first; the packet's own token is then checked to come from the same TSA.
    """
    reply = timestamp_reply(probe)
    return "" if reply is None else tsa_subject(reply)


def tsa_ca_pem() -> bytes:
    """The TSA root(s) the operator trusts, from settings.TSA_CA_PATH (PEM); b"" when unset."""
    path = str(getattr(settings, "TSA_CA_PATH", "") or "")
    return pki.to_pem(read_certs(path)) if path else b""


def tsa_certificate_files(tsr_der: bytes) -> dict[str, bytes]:
    """The packet's certs/ files for a reply: tsa.pem (TSA + intermediates) and, when known, tsa-ca.pem (its root).

    Roots embedded in the token never go into tsa.pem: openssl's -untrusted does not anchor trust
    in them either. tsa-ca.pem is TSA_CA_PATH, else whatever root the TSA embedded (self-asserted:
    the README must tell recipients to compare its fingerprint with the TSA's published one).
    """
    embedded = pki.load_pem_certs(tsa_certificates_pem(tsr_der))
    roots = pki.load_pem_certs(tsa_ca_pem()) or [c for c in embedded if pki.is_self_signed(c)]
    files = {"certs/tsa.pem": pki.to_pem(c for c in embedded if not pki.is_self_signed(c))}
    if roots:
        files["certs/tsa-ca.pem"] = pki.to_pem(roots)
    return files


def _sid(signer_info: cms.SignerInfo) -> tuple[bytes, int] | None:
    """(issuer, serial) that a SignerInfo names, when it names its certificate that way."""
    sid = signer_info["sid"]
    if sid.name != "issuer_and_serial_number":
        return None
    return sid.chosen["issuer"].dump(), sid.chosen["serial_number"].native


class SettingsTimeStamper(RequestsHTTPTimeStamper):
    """pyHanko's HTTP timestamp client for settings.TSA_URL, every reply checked (check_reply) before
    it is used: for the packet's SHA256SUMS.tsr and for the PDF signature's timestamp (PAdES B-T)."""

    def __init__(self, url: str):
        if urlsplit(url).scheme not in ("http", "https"):
            # A TSA is HTTP(S) only (RFC 3161 §3.4); nothing else is ever opened.
            raise TimestampError("TSA_URL must be an http:// or https:// URL")
        super().__init__(url, timeout=TIMEOUT)

    async def async_reply(self, message_digest: bytes, md_algorithm: str) -> tuple[bytes, cms.ContentInfo]:
        """(the reply's DER as received, its checked token) for a request over message_digest."""
        nonce, request = self.request_cms(message_digest, md_algorithm)  # certReq=true and a random nonce
        try:
            reply = (await self.async_request_tsa_response(request)).dump()
        except (TimestampRequestError, OSError, ValueError) as exc:  # refused, DNS, timeout, TLS, not a reply
            raise TimestampError(f"TSA {_redacted(self.url)} unreachable or gave no timestamp reply: {exc}") from exc
        return reply, check_reply(reply, message_digest, md_algorithm, nonce)

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        """The checked token pyHanko embeds in a PDF signature."""
        return (await self.async_reply(message_digest, md_algorithm))[1]
