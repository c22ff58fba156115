"""Phone numbers as one canonical string per party, so a number written three ways is one.

A valid number becomes E.164 (+8613800138000), read in the case's region when it carries
no country code. Service numbers and SMS short codes (95188, 10690…) are not valid
subscriber numbers: they keep their digits. Anything that is not a number (a WeChat name)
is kept as written, trimmed.
"""

import re
import unicodedata
from functools import lru_cache

import phonenumbers

REGIONS = {"CN": "CN", "US": "US", "UK": "GB", "OTHER": None}
_DIALABLE = re.compile(r"^[+(\d][\d\s().\-/+]*$")


@lru_cache(maxsize=65536)
def number_normalize(raw: str, region: str | None) -> str:
    """The canonical form of a phone number or other address; "" for a private number."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if text.lower() in ("", "null", "-1", "-2", "private", "unknown", "anonymous"):
        return ""
    if not _DIALABLE.match(text):
        return text[:64]
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", text)
    return (("+" if text.startswith("+") else "") + digits)[:32]


def case_region(case) -> str | None:
    return REGIONS.get(case.jurisdiction)
