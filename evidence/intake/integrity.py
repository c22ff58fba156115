"""The storage integrity check over every evidence item (command and periodic task)."""

import logging

from django.utils import timezone

from evidence.custody.services import custody_record
from evidence.intake.models import EvidenceItem, Verification
from evidence.storage.backends import get_storage
from evidence.storage.integrity import originals_check
from evidence.storage.models import IntegrityReport

log = logging.getLogger(__name__)


def storage_verify() -> IntegrityReport:
    """Re-hash every stored original, mark items whose bytes are gone or changed, keep a report."""
    started = timezone.now()
    expected = EvidenceItem.objects.order_by("sha256").values_list("sha256", "size").distinct().iterator()
    result = originals_check(get_storage(), expected)
    for sha256s, state in ((result.missing, Verification.MISSING), (result.changed, Verification.MISMATCH)):
        if sha256s:
            EvidenceItem.objects.filter(sha256__in=sha256s).update(verification=state, verified_at=timezone.now())
    report = IntegrityReport.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        checked=result.checked,
        missing=result.missing,
        changed=result.changed,
        unreferenced=result.unreferenced,
    )
    custody_record(
        action="storage.verified",
        details={"checked": result.checked, "missing": len(result.missing), "changed": len(result.changed)},
    )
    if not report.ok:
        log.error("storage check: %d missing, %d changed originals", len(result.missing), len(result.changed))
    return report
