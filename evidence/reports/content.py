"""What a report says, as plain data: built from the case apart from how it is drawn.

A new authority template or language changes what goes in here, not the PDF code
(render.py), which only lays this out.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Exhibit:
    """One numbered entry of the exhibit list (证据目录), columns as 证据规定 Art. 19 asks."""

    number: str  # E-001
    item_id: str
    kind: str  # screenshot, photo, recording, video, document, export
    title: str  # the original file name, or a description
    source: str  # where it came from: "uploaded from the borrower's phone", "SMS Backup & Restore export"
    purpose: str  # 证明目的 in the borrower's words; "" = the kind's default, in the report's language
    summary: str  # 内容摘要 in the borrower's words; "" = one made from what is known (render.py)
    sha256: str
    size: int
    mime: str
    received_at: datetime  # server clock on arrival: the trusted time
    occurred_at: datetime | None
    occurred_at_source: str  # exif, client, user, export, filename, unknown
    image_path: str | None = None  # PNG or JPEG original on local disk, to embed as is (never re-encoded)
    image_size: tuple[int, int] | None = None  # pixels (width, height)
    duration_s: float | None = None  # recordings and videos
    verified: bool = True  # re-hashed against sha256 just before this report was made
    records_call_at: datetime | None = None  # a recording: the start of the call it records
    records_call_number: str = ""  # and that call's number (normalised, "" = hidden)
    records_call_direction: str = ""  # and its direction: in, out, missed, ...
    note: str = ""  # the borrower's note at upload
    camera: str = ""  # make and model from EXIF
    export_format: str = ""  # an export: what wrote it ("SMS Backup & Restore messages (sms.xml)")
    export_counts: dict = field(default_factory=dict)  # an export: {"call": n, "message": n} read from it
    twins: list[str] = field(default_factory=list)  # exhibit numbers of the same picture kept again (E-004)
    machine_text: list[dict] = field(default_factory=list)  # a picture's first passages machine-read: {side, time, text}


@dataclass
class FindingRow:
    rule: str  # CN-T
    title: str  # in the report's language
    summary: str
    kind: str  # criminal, administrative, civil, regulatory, self-regulatory, standard
    threshold: str  # threshold_text in the report's language
    count: int
    first_at: datetime
    last_at: datetime
    citation: str
    confidence: str  # P, S, M, UNCONFIRMED
    windows: list[dict] = field(default_factory=list)  # [{start, end, count}] local dates
    examples: list[str] = field(default_factory=list)  # event ids
    # The evidence behind it (analysis.support): {total, per_day, events: the first 50, passages}
    support: dict = field(default_factory=dict)


@dataclass
class TimelineRow:
    at: datetime  # aware; shown in the case's zone
    kind: str  # call, message
    channel: str
    direction: str  # in, out, missed, rejected, blocked, voicemail
    number: str  # normalised, "" = hidden
    label: str  # the borrower's label for the number (role and name), "" if none
    detail: str  # calls: duration "2:05"; messages: the body
    source: str  # "E-003 line 4521" or "entered by hand"
    recording: str = ""  # calls: the exhibit number of the call's recording, "" if none in this report
    id: str = ""  # the event's id: a finding links to its row


@dataclass
class CustodyRow:
    """One custody event, as render.py turns it into a sentence in the report's language."""

    at: datetime
    action: str  # evidence.received, bundle.built, … (unknown ones get a generic sentence)
    actor: str  # user name, "" for the server's own jobs
    details: dict
    event_hash: str
    actor_role: str = ""  # borrower, lawyer, invitee
    sha256: str = ""  # the content's hash after the event
    exhibit: str = ""  # E-002 when the event's item is in this report
    exhibit_kind: str = ""  # that item's kind
    about_item: bool = False  # the event names an item (in this report or not)


@dataclass
class SubmissionStep:
    status: str  # submitted, acknowledged, answered, closed
    at: datetime
    note: str
    receipt_sha256: str = ""  # the receipt kept as evidence in the case, "" if none


@dataclass
class SubmissionRow:
    """A bundle handed to an authority, as recorded up to the time the report's bundle was made."""

    authority: str  # code: cn-12378, us-cfpb, …
    channel: str  # online_portal, hotline, post, in_person, email
    submitted_at: datetime
    reference: str  # 受案回执 / 查询码 / complaint id, "" if none
    status: str  # the latest step's status
    note: str = ""
    packet_sha256: str = ""  # the packet that was handed over
    history: list[SubmissionStep] = field(default_factory=list)  # in time order


@dataclass
class ReportContent:
    language: str  # "zh-Hans" or "en"
    timezone: str  # IANA zone the times are shown in
    title: str
    case_title: str
    borrower_name: str  # as the borrower chooses to be named
    lender: str
    lending_app: str
    collection_agency: str
    jurisdiction: str  # CN, US, UK, OTHER
    purpose: str  # lawyer, authority, self
    authority: str  # authority's display name, "" when none
    period_start: datetime | None
    period_end: datetime | None
    generated_at: datetime
    evidence_set_sha256: str
    charts: dict  # analysis charts: calls_per_day, contacts_by_hour, top_numbers, night_contacts, totals
    findings: list[FindingRow]
    findings_note: str  # e.g. the CN note: industry limits are not crimes by themselves
    ruleset: str  # "cn 2026.11.1"
    exhibits: list[Exhibit]
    calls: list[TimelineRow]
    messages: list[TimelineRow]
    custody: list[CustodyRow]
    certification: str  # the jurisdiction's certification / 电子数据取证及真实性说明, with blanks
    how_to_verify: str
    calls_note: str = ""  # e.g. "the first 1,500 of 2,000 calls; all of them are in records/calls.csv"
    messages_note: str = ""
    submissions: list[SubmissionRow] = field(default_factory=list)  # shown only when there are any
