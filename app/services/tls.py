"""Certificates for serving Lanyard over HTTPS on a venue network with no internet.

Phones give the camera, service workers and WebCrypto only to secure pages, so door
devices must reach Lanyard over HTTPS. With no public certificate authority in reach,
the host makes its own: a small certificate authority, installed once on each door
device, and a server certificate it signs for the venue's host names and addresses.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class VenueCertificates:
    ca_certificate: Path  # install this one on door devices
    certificate: Path  # the server's, for gunicorn --certfile
    key: Path  # the server's private key, for gunicorn --keyfile


def make_venue_certificates(out: Path, names: list[str], addresses: list[str], *,
                            organisation: str = "Lanyard venue", days: int = 60) -> VenueCertificates:
    """A certificate authority and a server certificate for `names` and `addresses`, in `out`.

    The authority's private key is not kept: nothing more can be signed with it, so a
    stolen copy of the server's files cannot make certificates for other sites.
    """
    if not names and not addresses:
        raise ValueError("Name at least one host name or IP address the door devices use.")
    sans = [x509.DNSName(name) for name in names]
    sans += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} door devices CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=days))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          # The authority may only vouch for the venue's own names and addresses.
          .add_extension(x509.NameConstraints(permitted_subtrees=[
              x509.DNSName(name) for name in names] + [
              x509.IPAddress(ipaddress.ip_network(address)) for address in addresses],
              excluded_subtrees=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, (names or addresses)[0])]))
              .issuer_name(ca_name).public_key(key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=days))
              .add_extension(x509.SubjectAlternativeName(sans), critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .sign(ca_key, hashes.SHA256()))
    out.mkdir(parents=True, exist_ok=True)
    files = VenueCertificates(out / "venue-ca.pem", out / "server.pem", out / "server-key.pem")
    files.ca_certificate.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.certificate.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    files.key.touch(mode=0o600)
    files.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    return files
