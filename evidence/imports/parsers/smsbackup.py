"""Android "SMS Backup & Restore" exports: sms.xml (<smses>) and calls.xml (<calls>).

Format facts: `date` is epoch milliseconds and the only reliable time (`readable_date`
follows the phone's locale and is ignored); unset values are the string "null"; a hidden
caller is `number=""`. MMS parts carry their bytes as base64 in a `data` attribute.

Recognised by its root element, found by expat after any comment, `<?xml-stylesheet?>` or
BOM (see xmlhead); UTF-16 backups are transcoded to UTF-8 as they are read. Parsed with
expat, fed in chunks through the surrogate repair, so memory does not grow
with the file. Exports never carry a DTD, so any DOCTYPE is refused at once: with no DTD
there can be no entity (billion laughs) and no external reference (file or network). This
is defusedxml's `forbid_dtd` policy, set directly on the expat object because the SAX layer
on top cost a third of the import's time.
"""

import base64
import binascii
import re
import tempfile
from datetime import UTC, datetime, timedelta
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _

from evidence.imports.parsers.base import MAX_FIELD_CHARS, MAX_LINE_CHARS, ParsedAttachment, ParsedEvent
from evidence.imports.parsers.surrogates import SurrogateRepairingReader
from evidence.imports.parsers.xmlhead import ENCODING_NAMES, Utf8Reader, xml_root
from evidence.imports.problems import ImportFailed

MAX_DEPTH = 6  # smses > mms > parts > part is 4 deep
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EARLIEST_MS = 631_152_000_000  # 1990-01-01

# type codes, from the app's documentation
SMS_TYPES = {1: ("in", "received"), 2: ("out", "sent"), 3: ("out", "draft"), 4: ("out", "outbox"),
             5: ("out", "failed"), 6: ("out", "queued")}
MMS_BOXES = {1: ("in", "received"), 2: ("out", "sent"), 3: ("out", "draft"), 4: ("out", "outbox")}
CALL_TYPES = {1: "in", 2: "out", 3: "missed", 4: "voicemail", 5: "rejected", 6: "blocked",
              7: "in"}  # 7: answered on another device — still a conversation
MMS_FROM, MMS_TO = "137", "151"  # PDU header codes in <addr type=…>
KEPT_MEDIA = ("image/", "audio/", "video/")


def _plain(value: str | None) -> str:
    return "" if value is None or value == "null" else value


def _name(value: str | None) -> str:
    value = _plain(value)
    return "" if value in ("(Unknown)", "Unknown") else value


def _int(value: str | None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):  # None, "null", garbage
        return None


def _moment(value: str | None, latest_ms: int) -> datetime | None:
    """Epoch milliseconds to an aware time; None when missing or implausible."""
    number = _int(value)
    if number is None:
        return None
    if 0 < number < 100_000_000_000:  # some MMS rows carry seconds, not milliseconds
        number *= 1000
    if not _EARLIEST_MS <= number <= latest_ms:
        return None
    return _EPOCH + timedelta(milliseconds=number)




# The hot path's lookups: type="1" straight to (code, direction, status); _sms_type() for " 1" and the like.
_SMS_TYPE_TEXTS = {str(code): (code, *kind) for code, kind in SMS_TYPES.items()}
_NO_NAME = ("null", "(Unknown)", "Unknown")


def _sms_type(value: str | None) -> tuple | None:
    code = _int(value)
    return (code, *SMS_TYPES[code]) if code in SMS_TYPES else None


class _Handler:
    """Turns expat callbacks into ParsedEvents, collected until the generator drains them."""

    def __init__(self, root: str, context):
        self.parser = self._new_parser()
        self.latest_ms = int((datetime.now(UTC) + timedelta(days=2)).timestamp() * 1000)
        self.root = root
        self.context = context
        self.depth = 0
        self.ready: list[ParsedEvent] = []
        self.counts: dict[str, int] = {}
        self.records = 0
        self.mms: dict | None = None
        self.text_chars = 0
        self.root_attrs: dict = {}

    def _new_parser(self):
        parser = expat.ParserCreate("UTF-8")  # what Utf8Reader hands over, whatever the declaration says
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        # Entity and external-reference handlers too, should a declaration slip past the first.
        for name in ("StartDoctypeDeclHandler", "EntityDeclHandler", "UnparsedEntityDeclHandler",
                     "ExternalEntityRefHandler"):
            setattr(parser, name, self.refuse_dtd)
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        return parser

    def refuse_dtd(self, *args):
        raise ImportFailed("xml_dtd", line=self.parser.CurrentLineNumber)

    @property
    def line(self) -> int:
        return self.parser.CurrentLineNumber

    # --- expat callbacks ------------------------------------------------------------
    def start(self, name, attrs):
        self.depth += 1
        self.text_chars = 0
        line = self.parser.CurrentLineNumber
        if self.depth > MAX_DEPTH:
            raise ImportFailed("xml_too_deep", limit=MAX_DEPTH, line=line)
        if self.depth == 1:
            if name != self.root:
                raise ImportFailed("xml_wrong_root", root=name[:40], expected=self.root)
            self.root_attrs = {key: value[:40] for key, value in attrs.items() if key == "count"}
        elif self.depth == 2:
            self.counts[name] = self.counts.get(name, 0) + 1
            position = f"line {line}, <{name}> {self.counts[name]}"
            if name == "sms" and self.root == "smses":
                self._emit(self._sms(attrs, position, line))
            elif name == "call" and self.root == "calls":
                self._emit(self._call(attrs, position, line))
            elif name == "mms" and self.root == "smses":
                self.mms = {"attrs": self._fields(attrs, ("date", "msg_box", "m_type", "address", "contact_name"), line),
                            "position": position, "line": line, "texts": [], "addrs": [], "files": []}
        elif self.mms is not None and name == "part":
            self._part(attrs, line)
        elif self.mms is not None and name == "addr":
            self.mms["addrs"].append((attrs.get("type"), _plain(attrs.get("address"))[:200]))

    def end(self, name):
        if self.depth == 2 and name == "mms" and self.mms is not None:
            self._emit(self._finish_mms(self.mms))
            self.mms = None
        self.depth -= 1

    def characters(self, content):
        # Exports carry everything in attributes; a megabyte of text between tags is not one.
        self.text_chars += len(content)
        if self.text_chars > MAX_LINE_CHARS:
            raise ImportFailed("line_too_long", line=self.line, limit=MAX_LINE_CHARS)

    # --- records --------------------------------------------------------------------
    def _emit(self, event: ParsedEvent | None) -> None:
        self.records += 1
        if self.records > self.context.max_records:
            raise ImportFailed("too_many_records", limit=self.context.max_records)
        if event is not None:
            self.ready.append(event)

    def _fields(self, attrs: dict, names, line) -> dict:
        values = {name: attrs.get(name) for name in names}
        if max(len(value) for value in values.values() if value is not None) > MAX_FIELD_CHARS:
            size = max(len(value or "") for value in values.values())
            raise ImportFailed("record_too_large", line=line, size=size, limit=MAX_FIELD_CHARS)
        return values

    def _sms(self, attrs, position, line) -> ParsedEvent | None:
        # The hot path of a large backup: one dict lookup per field, no helper calls.
        body, address, name = attrs.get("body") or "", attrs.get("address") or "", attrs.get("contact_name") or ""
        if len(body) > MAX_FIELD_CHARS or len(address) > MAX_FIELD_CHARS or len(name) > MAX_FIELD_CHARS:
            size = max(len(body), len(address), len(name))
            raise ImportFailed("record_too_large", line=line, size=size, limit=MAX_FIELD_CHARS)
        # _moment() and _int() inlined, same rules: 100k calls each are a tenth of the parse.
        try:
            ms = int(attrs["date"])
        except (KeyError, ValueError):
            ms = None
        if ms is not None and 0 < ms < 100_000_000_000:
            ms *= 1000
        moment = _EPOCH + timedelta(milliseconds=ms) if ms is not None and _EARLIEST_MS <= ms <= self.latest_ms else None
        kind = _SMS_TYPE_TEXTS.get(attrs.get("type")) or _sms_type(attrs.get("type"))
        if moment is None or kind is None:
            self.context.skip("no readable date" if moment is None else "unknown type code", position)
            return None
        return ParsedEvent(
            kind="message", channel="sms", direction=kind[1], status=kind[2], occurred_at=moment,
            position=position, number="" if address == "null" else address,
            contact_name="" if name in _NO_NAME else name, body="" if body == "null" else body, type_code=kind[0],
        )

    def _call(self, attrs, position, line) -> ParsedEvent | None:
        fields = self._fields(attrs, ("date", "type", "number", "duration", "contact_name"), line)
        moment = _moment(fields["date"], self.latest_ms)
        direction = CALL_TYPES.get(_int(fields["type"]))
        if moment is None or direction is None:
            self.context.skip("no readable date" if moment is None else "unknown type code", position)
            return None
        duration = _int(fields["duration"])
        return ParsedEvent(
            kind="call", channel="phone", direction=direction, occurred_at=moment, position=position,
            number=_plain(fields["number"]), contact_name=_name(fields["contact_name"]),
            duration_s=max(duration or 0, 0), type_code=_int(fields["type"]),
        )

    def _part(self, attrs, line) -> None:
        mms = self.mms
        content_type = _plain(attrs.get("ct")).lower()
        if content_type == "text/plain":
            mms["texts"].append(self._fields(attrs, ("text",), line)["text"] or "")
        data = attrs.get("data")
        if not data:
            return
        if not content_type.startswith(KEPT_MEDIA):
            self.context.warn("attachment_skipped")
            return
        limit = self.context.max_attachment_bytes
        if len(data) * 3 // 4 > limit:
            raise ImportFailed("attachment_refused", position=mms["position"], reason=f"larger than {limit >> 20} MiB")
        try:
            decoded = base64.b64decode(data, validate=False)
        except (binascii.Error, ValueError):
            raise ImportFailed("attachment_refused", position=mms["position"], reason="not valid base64") from None
        with tempfile.NamedTemporaryFile(dir=self.context.temp_dir, prefix="mms-", delete=False) as file:
            file.write(decoded)
        name = next((_plain(attrs.get(key)) for key in ("name", "cl", "fn") if _plain(attrs.get(key))), "")
        mms["files"].append(ParsedAttachment(path=file.name, name=name[:200], content_type=content_type,
                                             position=f"{mms['position']}, part {len(mms['files']) + 1}"))

    def _finish_mms(self, mms) -> ParsedEvent | None:
        fields, position = mms["attrs"], mms["position"]
        moment = _moment(fields["date"], self.latest_ms)
        box = MMS_BOXES.get(_int(fields["msg_box"])) or {132: ("in", "received"), 128: ("out", "sent")}.get(
            _int(fields["m_type"]))
        if moment is None or box is None:
            self.context.skip("no readable date" if moment is None else "unknown type code", position)
            return None
        # A received MMS names its sender in <addr type="137">: the `address` attribute of a
        # group or RCS message is the group ("~"-joined numbers, or group_8@rcs.google.com).
        wanted = MMS_FROM if box[0] == "in" else MMS_TO
        listed = "~".join(a for kind, a in mms["addrs"] if kind == wanted and a)
        address = (listed or _plain(fields["address"])) if box[0] == "in" else (_plain(fields["address"]) or listed)
        return ParsedEvent(
            kind="message", channel="mms", direction=box[0], status=box[1], occurred_at=moment,
            position=position, number=address, contact_name=_name(fields["contact_name"]),
            body="\n".join(text for text in mms["texts"] if text), type_code=_int(fields["msg_box"]),
            attachments=mms["files"],
        )

    def drain(self) -> list[ParsedEvent]:
        ready, self.ready = self.ready, []
        return ready


_PARTIAL_RECORD = re.compile(rb"<(?:sms|mms|call)\b[^>]*$")
RECORDS = {"smses": ("sms", "mms"), "calls": ("call",)}


class SmsBackupFormat:
    """One of the app's two files, told apart by the root element."""

    def __init__(self, root: str, name: str, label: str):
        self.root, self.name, self.label = root, name, label
        self.mime = "application/xml"

    def detect(self, head: bytes) -> bool:
        root = xml_root(head)
        return root is not None and root.name == self.root

    def parse(self, stream, context):
        source = Utf8Reader(stream)
        if source.transcoded:
            context.warn("encoding_read_as", encoding=ENCODING_NAMES.get(source.encoding, source.encoding))
        reader = SurrogateRepairingReader(source)
        handler = _Handler(self.root, context)
        tail = b""
        try:
            while data := reader.read():
                tail = (tail + data)[-4096:]
                handler.parser.Parse(data, False)
                yield from handler.drain()
                context.on_progress(source.bytes_read)
            try:
                handler.parser.Parse(b"", True)
            except expat.ExpatError:
                if handler.depth == 0 or handler.records == 0:
                    raise
                # Cut off mid-file: keep the complete records and say exactly what was dropped.
                dropped = (1 if handler.mms is not None else 0) + (1 if _PARTIAL_RECORD.search(tail) else 0)
                context.warn("truncated", count=dropped, line=handler.line)
        except expat.ExpatError as error:
            reason = expat.errors.messages.get(error.code, str(error))
            raise ImportFailed("xml_malformed", line=error.lineno, reason=reason) from None
        yield from handler.drain()
        if handler.records == 0:
            raise ImportFailed("no_records")
        self._check_count(handler, context)
        if reader.pairs:
            context.warn("surrogates_repaired", count=reader.pairs)
        if reader.lone:
            context.warn("lone_surrogates", count=reader.lone)

    def _check_count(self, handler: "_Handler", context) -> None:
        """The app writes how many records it saved; a different number read is worth saying."""
        declared = _int(handler.root_attrs.get("count"))
        found = sum(handler.counts.get(name, 0) for name in RECORDS[self.root])
        if declared is not None and declared != found:
            context.warn("count_mismatch", declared=declared, found=found)


messages = SmsBackupFormat("smses", "sms-backup-restore-messages", _("SMS Backup & Restore messages (sms.xml)"))
calls = SmsBackupFormat("calls", "sms-backup-restore-calls", _("SMS Backup & Restore call log (calls.xml)"))
