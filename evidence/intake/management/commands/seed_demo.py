import io
import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw

from evidence.accounts.models import Role, User
from evidence.cases.models import Case, Jurisdiction
from evidence.cases.services import case_create
from evidence.intake.services import evidence_ingest
from evidence.intake.uploads import stage_stream

DEMO_USER = "demo"
DEMO_LAWYER = "demo-lawyer"


class Command(BaseCommand):
    help = "Create the demo borrower and a demo case with one screenshot (once; reruns keep them)."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "demo-zhengju-2026")
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=DEMO_USER, defaults={"role": Role.BORROWER})
            if created:
                user.set_password(password)
                user.save()
            case = Case.objects.filter(owner=user).first() or case_create(
                owner=user,
                title="示例案件：某某贷 催收骚扰",
                jurisdiction=Jurisdiction.CN,
                lender="示例小额贷款有限公司",
                lending_app="示例借款 App",
                collection_agency="示例催收公司",
            )
        if not case.evidence_items.exists():
            upload = stage_stream(io.BytesIO(_demo_screenshot()), name="Screenshot_2026-11-02-23-14-05.png")
            try:
                evidence_ingest(case=case, upload=upload, uploaded_by=user, note="Demo: a late-night call log screenshot.")
            finally:
                upload.close()
        if not case.imports.exists():
            _import_demo_calls(case, user)
        lawyer_created = _share_with_demo_lawyer(case, user, password)
        self.stdout.write(f"Demo borrower: {DEMO_USER} / {password if created else '(password unchanged)'}")
        self.stdout.write(f"Demo lawyer:   {DEMO_LAWYER} / {password if lawyer_created else '(password unchanged)'}")


def _share_with_demo_lawyer(case, owner, password: str) -> bool:
    """A demo lawyer account with the demo case's bundle shared for 30 days (built here, once)."""
    from django.utils import timezone

    from evidence.reports.models import Bundle, BundleStatus
    from evidence.reports.services import bundle_build, bundle_request
    from evidence.sharing.services import share_create

    lawyer, created = User.objects.get_or_create(username=DEMO_LAWYER, defaults={"role": Role.LAWYER})
    if created:
        lawyer.set_password(password)
        lawyer.save()
    if lawyer.shares_received.exists():
        return created
    bundle = Bundle.objects.filter(case=case, status=BundleStatus.DONE).first()
    if bundle is None:
        bundle = bundle_request(case=case, purpose="lawyer", borrower_name="示例用户", requested_by=owner)
        bundle_build(bundle_id=str(bundle.id))  # the queued job finds it done and stops
        bundle.refresh_from_db()
    if bundle.status == BundleStatus.DONE:
        share_create(bundle=bundle, lawyer=DEMO_LAWYER, expires_at=timezone.now() + timedelta(days=30),
                     actor=owner)
    return created


STYLESHEETS = {"smses": "sms.xsl", "calls": "calls.xsl"}


def _import_demo_calls(case, user) -> None:
    """A small SMS Backup & Restore call log and message export, imported at once."""
    from evidence.cases.services import number_label_set
    from evidence.imports.services import import_receive, import_run

    zone = ZoneInfo(case.timezone)
    start = datetime(2026, 11, 2, tzinfo=zone)
    calls, messages = [], []
    for day in range(5):
        for minute in (0, 4, 9, 15, 22, 30, 41, 55):  # eight unanswered calls an evening, into the night
            at = start + timedelta(days=day, hours=21, minutes=minute * 2)
            calls.append(f'<call number="+86 171 0000 1234" duration="0" date="{int(at.timestamp() * 1000)}" type="3" '
                         f'presentation="1" readable_date="null" contact_name="(Unknown)" />')
        if day == 1:  # one the borrower answered: the dialer recorded it (see _record_demo_call)
            at = start + timedelta(days=day, hours=22, minutes=45, seconds=5)
            calls.append(f'<call number="+86 171 0000 1234" duration="95" date="{int(at.timestamp() * 1000)}" type="1" '
                         f'presentation="1" readable_date="null" contact_name="(Unknown)" />')
        at = start + timedelta(days=day, hours=7, minutes=5)
        messages.append(f'<sms address="10690000123" date="{int(at.timestamp() * 1000)}" type="1" '
                        f'body="【示例借款】您已逾期{day + 3}天，再不还款将联系您的紧急联系人和单位。" readable_date="null" '
                        f'contact_name="(Unknown)" />')
    for name, root, rows in (("calls.xml", "calls", calls), ("sms.xml", "smses", messages)):
        # The prolog SMS Backup & Restore writes: a comment naming the app, a stylesheet line.
        data = (f"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
                f"<!--File Created By SMS Backup & Restore v10.20.002 on 07/11/2026 08:00:00-->\n"
                f'<?xml-stylesheet type="text/xsl" href="{STYLESHEETS[root]}"?>\n'
                f'<{root} count="{len(rows)}" backup_set="0b6a5c1e-demo" backup_date="1793923200000" type="full">\n')
        data += "\n".join(rows) + f"\n</{root}>\n"
        upload = stage_stream(io.BytesIO(data.encode()), name=name)
        try:
            job = import_receive(case=case, upload=upload, created_by=user)
        finally:
            upload.close()
        import_run(import_id=str(job.id))  # now, so the demo's timeline is ready when the server starts
    number_label_set(case=case, number="+86 171 0000 1234", role="collector", name="示例催收公司", actor=user)
    _record_demo_call(case, user)


def _record_demo_call(case, user) -> None:
    """The answered call's recording, named as MIUI's dialer names it: linked to the call on arrival."""
    frames = (bytes([0xFF, 0xFB, 0x90, 0xC4]) + b"\x00" * 413) * 80  # two seconds of MP3 silence
    upload = stage_stream(io.BytesIO(frames), name="通话录音@示例催收公司(008617100001234)_20261103224512.mp3")
    try:
        evidence_ingest(case=case, upload=upload, uploaded_by=user)
    finally:
        upload.close()


def _demo_screenshot() -> bytes:
    image = Image.new("RGB", (540, 960), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 540, 80), fill=(36, 64, 142))
    draw.text((20, 30), "Recents", fill="white")
    for row, (time, number) in enumerate([("23:14", "+86 171 0000 1234"), ("23:02", "+86 171 0000 1234"), ("07:05", "+86 165 0000 9876")]):
        top = 110 + row * 90
        draw.text((20, top), f"{number}   missed   {time}", fill=(160, 0, 0))
        draw.line((20, top + 60, 520, top + 60), fill=(220, 220, 220))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
