"""The export formats we read. A new format is one module and one line here."""

from evidence.imports.parsers import smsbackup

FORMATS = [smsbackup.messages, smsbackup.calls]


def detect_format(head: bytes):
    """The format whose detector recognises the file's first bytes, or None."""
    return next((fmt for fmt in FORMATS if fmt.detect(head)), None)


def format_by_name(name: str):
    return next(fmt for fmt in FORMATS if fmt.name == name)


def readable_formats() -> str:
    return "; ".join(fmt.label for fmt in FORMATS)
