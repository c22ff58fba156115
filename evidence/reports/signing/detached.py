"""Detached CMS signatures over plain bytes (SHA256SUMS), verifiable with `openssl cms -verify`."""

from asn1crypto import cms
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.settings import KeyUsageConstraints

from .identity import signing_identity
from .trust import CertSource, describe, run, validation_context

# What a signing certificate must allow: one of these key usages, and the emailProtection EKU, close
# to OpenSSL's default `cms -verify` purpose (smimesign). pyhanko insists on an explicit EKU here
# (it drops explicit_extd_key_usage_required), so a configured certificate needs emailProtection.
SIGNER_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, extd_key_usage={"email_protection"}
)


def sign_detached(data: bytes) -> bytes:
    """A DER CMS SignedData over data, without the data (SHA-256, signer certificate included)."""
    identity = signing_identity()
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(identity.certificate, identity._private_key, hashes.SHA256())
    )
    for cert in identity.intermediates:
        builder = builder.add_certificate(cert)
    # DetachedSignature: SHA256SUMS stays a plain text file beside its .sig. Binary: sign the bytes
    # exactly as stored (no S/MIME CRLF canonicalisation), matching `openssl cms -verify -binary`.
    options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
    return builder.sign(serialization.Encoding.DER, options)


def verify_detached(data: bytes, signature_der: bytes, ca_pem: CertSource) -> tuple[bool, str]:
    """Whether signature_der is a valid signature over data by a certificate chaining to ca_pem (and only it)."""
    try:
        info = cms.ContentInfo.load(signature_der)
        if info["content_type"].native != "signed_data":
            return False, "not a CMS SignedData structure"
        signed_data = info["content"]
        if signed_data["encap_content_info"]["content"].native is not None:
            return False, "the signature embeds content; expected a detached signature"
        status = run(
            async_validate_detached_cms(
                data, signed_data, signer_validation_context=validation_context(ca_pem), key_usage_settings=SIGNER_USAGE
            )
        )
    except Exception as exc:  # malformed DER, unreadable CA file...: a verdict, not a crash
        return False, f"could not verify: {type(exc).__name__}: {exc}"
    return describe(status)
