from django.core.management.base import BaseCommand

from evidence.intake.integrity import storage_verify
from evidence.intake.models import EvidenceItem


class Command(BaseCommand):
    help = "Re-hash every stored original. Exit 0 if all match, 1 if any is missing or changed."

    def handle(self, *args, **options):
        report = storage_verify()
        for label, sha256s in (("MISSING", report.missing), ("CHANGED", report.changed)):
            for sha256 in sha256s:
                for item in EvidenceItem.objects.filter(sha256=sha256).select_related("case"):
                    self.stdout.write(
                        f"{label} {sha256} item {item.id} ({item.original_name or item.kind}) in case {item.case_id}"
                    )
        for sha256 in report.unreferenced:
            self.stdout.write(f"UNREFERENCED {sha256} (stored, but no evidence item names it)")
        if not report.ok:
            self.stdout.write(f"FAIL: {len(report.missing)} missing, {len(report.changed)} changed of {report.checked}")
            raise SystemExit(1)
        self.stdout.write(f"OK: {report.checked} originals match their hashes")
