"""reports 0004–0006: a bundle's one `error` became the jobs' `errors` list; a failed bundle keeps its reason, both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE, AFTER = [("reports", "0003_heartbeat")], [("reports", "0006_remove_bundle_error")]


def _migrate(targets):
    """Migrate to targets; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps.get_model("reports", "Bundle")


@pytest.mark.django_db(transaction=True)
def test_a_failed_bundle_keeps_its_reason_through_the_migration_and_back(case, borrower):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    reason = {"code": "original_missing", "params": {"exhibit": "E-2", "name": "a.png"}}
    try:
        Bundle = _migrate(BEFORE)
        fields = {"case_id": case.id, "purpose": "self", "evidence_set_sha256": "0" * 64,
                  "created_by_id": borrower.id, "created_at": timezone.now()}
        failed = Bundle.objects.create(status="failed", error=reason, **fields)
        done = Bundle.objects.create(status="done", error=None, **fields)

        Bundle = _migrate(AFTER)
        assert (Bundle.objects.get(id=failed.id).errors, Bundle.objects.get(id=done.id).errors) == ([reason], [])

        Bundle = _migrate(BEFORE)
        assert (Bundle.objects.get(id=failed.id).error, Bundle.objects.get(id=done.id).error) == (reason, None)
    finally:
        _migrate(latest)
