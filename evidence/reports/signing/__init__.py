"""Signing the complaint packet so anyone can check it offline with standard tools.

- identity: the server's signing key + certificate chain (configured, or generated once under DATA_DIR).
- detached: CMS signature over SHA256SUMS (`openssl cms -verify`).
- timestamps: RFC 3161 reply from settings.TSA_URL (`openssl ts -verify`).
- pdf: PAdES signature of the report PDF (`pdfsig`).

Every verify_* function trusts only the CA certificates it is given and never goes online.
"""

from .detached import sign_detached, verify_detached
from .identity import SigningIdentity, clear_identity_cache, signing_identity
from .pdf import sign_pdf, verify_pdf
from .timestamps import (
    TimestampError,
    timestamp_authority,
    timestamp_reply,
    tsa_ca_pem,
    tsa_certificate_files,
    tsa_certificates_pem,
    tsa_subject,
    verify_timestamp_reply,
)

__all__ = [
    "SigningIdentity",
    "TimestampError",
    "timestamp_authority",
    "clear_identity_cache",
    "sign_detached",
    "sign_pdf",
    "signing_identity",
    "timestamp_reply",
    "tsa_ca_pem",
    "tsa_certificate_files",
    "tsa_certificates_pem",
    "tsa_subject",
    "verify_detached",
    "verify_pdf",
    "verify_timestamp_reply",
]
