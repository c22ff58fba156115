from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evidence.reports.verify import verify_packet


class Command(BaseCommand):
    help = "Check a packet.zip: every hash, the signature, the timestamp, the PDF signature. Exit 0 all good, 1 any failure."

    def add_arguments(self, parser):
        parser.add_argument("packet", type=Path)
        parser.add_argument("--ca", type=Path, help="PEM of the certificate you trust (from the server); "
                                                    "without it, the packet's own certs/ca.pem is used and its fingerprint printed")

    def handle(self, *args, packet: Path, ca: Path | None, **options):
        if not packet.is_file():
            raise CommandError(f"{packet}: no such file")
        checks = verify_packet(packet, ca.read_bytes() if ca else None)
        for check in checks:
            self.stdout.write(check.line())
        failed = sum(1 for check in checks if check.ok is False)
        self.stdout.write(f"{'FAILED' if failed else 'VERIFIED'}: {len(checks)} checks, {failed} failed")
        if failed:
            raise SystemExit(1)
