"""Small X.509 helpers shared by the signing identity and the local TSA (cryptography only)."""

import datetime as dt
from collections.abc import Iterable

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

RSA_BITS = 3072  # NIST SP 800-57: good beyond 2030, and every verifier (openssl, NSS, pyhanko) takes it
CA_YEARS = 20
LEAF_YEARS = 10
CLOCK_SKEW = dt.timedelta(minutes=5)  # a verifier whose clock is a little behind must not see "not yet valid"


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA key (RSA rather than EC: the widest support among offline verifiers)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def _name(common_name: str, organization: str = "") -> x509.Name:
    """A subject/issuer name; CN and O are cut to the 64 characters X.520 allows."""
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64])] if organization else []
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))  # most specific last, as usual
    return x509.Name(attrs)


def _now() -> dt.datetime:
    """The current time in UTC."""
    return dt.datetime.now(dt.UTC)


def make_root_ca(common_name: str, key: rsa.RSAPrivateKey, organization: str = "") -> x509.Certificate:
    """A self-signed root that may only issue end-entity certificates (pathLen 0)."""
    name = _name(common_name, organization)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - CLOCK_SKEW)
        .not_valid_after(_now() + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def issue_leaf(
    *,
    common_name: str,
    public_key: rsa.RSAPublicKey,
    ca_cert: x509.Certificate,
    ca_key: rsa.RSAPrivateKey,
    eku: x509.ObjectIdentifier,
    eku_critical: bool,
    organization: str = "",
) -> x509.Certificate:
    """An end-entity certificate for signing only (digitalSignature + nonRepudiation) with one EKU."""
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - CLOCK_SKEW)
        # Never outlive the issuer: verifiers reject a chain whose root expired first.
        .not_valid_after(min(_now() + dt.timedelta(days=365 * LEAF_YEARS), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([eku]), critical=eku_critical)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def _key_usage(**flags: bool) -> x509.KeyUsage:
    """A KeyUsage extension with the given flags set and every other flag off."""
    names = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{name: flags.get(name, False) for name in names})


def to_pem(certs: Iterable[x509.Certificate]) -> bytes:
    """Concatenated PEM of the certificates, in order."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


def load_pem_certs(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle (an empty list for empty input)."""
    return x509.load_pem_x509_certificates(data) if data.strip() else []


def is_self_signed(cert: x509.Certificate) -> bool:
    """True when the certificate is a root: issued by itself and verifiable with its own key."""
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def key_to_pem(key: rsa.RSAPrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM; only for writing the 0600 key file, never for logs or callers."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING
EMAIL_PROTECTION = ExtendedKeyUsageOID.EMAIL_PROTECTION
