"""The export formats we read. A new format is one module and one line here."""

from evidence.imports.parsers import csvlog, smsbackup, wechat

FORMATS = [smsbackup.messages, smsbackup.calls, csvlog, wechat]


def detect_format(head: bytes):
    """The format whose detector recognises the file's first bytes, or None."""
    return next((fmt for fmt in FORMATS if fmt.detect(head)), None)


def format_by_name(name: str):
    return next(fmt for fmt in FORMATS if fmt.name == name)


def readable_formats() -> str:
    return "; ".join(str(fmt.label) for fmt in FORMATS)


def format_mime(export_format, head: bytes) -> str:
    """The MIME type to record for an export (WeChat exports are text or HTML)."""
    mime_for = getattr(export_format, "mime_for", None)
    return mime_for(head) if mime_for else export_format.mime
