"""What a verification trusts: exactly the certificates the caller hands in, never a system store."""

import asyncio
import os
from collections.abc import Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.validation.status import SignatureStatus
from pyhanko_certvalidator import ValidationContext

from . import pki

PathOrPem = bytes | str | os.PathLike
CertSource = PathOrPem | Iterable[PathOrPem]
T = TypeVar("T")


def read_certs(source: CertSource) -> list[x509.Certificate]:
    """Certificates from PEM bytes/text, a file path, or a list of either."""
    if isinstance(source, bytes):
        return pki.load_pem_certs(source)
    if isinstance(source, str) and "-----BEGIN" in source:
        return pki.load_pem_certs(source.encode())
    if isinstance(source, str | os.PathLike):
        return pki.load_pem_certs(Path(source).read_bytes())
    return [cert for item in source for cert in read_certs(item)]


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The same certificate as asn1crypto sees it (what pyhanko wants)."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def validation_context(source: CertSource) -> ValidationContext:
    """A pyhanko context trusting only the self-signed certificates in source; the others only help build paths.

    This mirrors `openssl ... -CAfile roots -untrusted others`: a leaf or intermediate handed in is
    never a trust anchor by itself.
    """
    certs = read_certs(source)
    roots = [to_asn1(c) for c in certs if pki.is_self_signed(c)]
    others = [to_asn1(c) for c in certs if not pki.is_self_signed(c)]
    if not roots:
        raise ValueError("no self-signed CA certificate given to trust")
    return ValidationContext(
        trust_roots=roots,  # given explicitly, so the OS trust list is NOT consulted
        other_certs=others,
        allow_fetching=False,  # offline: no AIA/CRL/OCSP requests leave the machine
        # Our private roots publish no CRL/OCSP; soft-fail means "no revocation info is not an error"
        # while a revocation that *is* known still fails.
        revocation_mode="soft-fail",
    )


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a pyhanko coroutine from sync code, also when the caller already has an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:  # nested asyncio.run is forbidden: use a fresh thread
        return pool.submit(asyncio.run, coro).result()


def describe(status: SignatureStatus) -> tuple[bool, str]:
    """A verdict and a one-line reason from a pyhanko signature status."""
    signer = status.signing_cert.subject.human_friendly
    if not status.intact:
        return False, f"content does not match the signature (digest mismatch); signer {signer}"
    if not status.valid:
        return False, f"signature value is invalid; signer {signer}"
    if not status.trusted:
        problem = status.trust_problem_indic.name if status.trust_problem_indic else "no path to the given CA"
        return False, f"signer {signer} is not trusted: {problem}"
    return True, f"valid signature by {signer}"
