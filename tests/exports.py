"""Phone exports built in the tests, the way the apps write them."""

import base64
from datetime import datetime
from xml.sax.saxutils import quoteattr

# Different phones write readable_date in their own locale; the importer must ignore it.
READABLE_DATES = ["2026年5月1日 下午11:10:05", "May 1, 2026 11:10:05 PM", "01.05.2026 23:10:05", "null"]


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _attrs(values: dict) -> str:
    return " ".join(f"{key}={quoteattr(str(value))}" for key, value in values.items())


def emoji_as_surrogates(text: str) -> str:
    """Write characters outside the BMP as numeric surrogate pairs, like the app's option."""
    out = []
    for char in text:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"&#{0xD800 + (code >> 10)};&#{0xDC00 + (code & 0x3FF)};")
        else:
            out.append(char)
    return "".join(out)


def sms(when: datetime, type_code: int, address: str, body: str, contact_name="(Unknown)", locale=0) -> str:
    values = {
        "protocol": "0", "address": address, "date": ms(when), "type": type_code, "subject": "null",
        "body": body, "toa": "null", "sc_toa": "null", "service_center": "null", "read": "1",
        "status": "-1", "locked": "0", "date_sent": ms(when) - 3000, "sub_id": "1",
        "readable_date": READABLE_DATES[locale % len(READABLE_DATES)], "contact_name": contact_name,
    }
    return f"  <sms {_attrs(values)} />\n"


def mms(when: datetime, box: int, address: str, text: str, picture: bytes | None = None, picture_type="image/png",
        name="IMG_0001.png") -> str:
    parts = ['<part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" cid="&lt;smil&gt;" '
             'cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;/smil&gt;" />']
    if text:
        parts.append(f'<part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text={quoteattr(text)} />')
    if picture is not None:
        data = base64.b64encode(picture).decode()
        parts.append(f'<part seq="1" ct="{picture_type}" name="{name}" chset="null" cl="{name}" data="{data}" />')
    addr_type = "137" if box == 1 else "151"
    return (
        f'  <mms date="{ms(when)}" ct_t="application/vnd.wap.multipart.related" msg_box="{box}" address="null" '
        f'm_type="{132 if box == 1 else 128}" read="1" readable_date="{READABLE_DATES[1]}" contact_name="(Unknown)">\n'
        f'    <parts>{"".join(parts)}</parts>\n'
        f'    <addrs><addr address={quoteattr(address)} type="{addr_type}" charset="106" /></addrs>\n'
        f"  </mms>\n"
    )


# What SMS Backup & Restore writes before the records, verbatim apart from the values: the
# declaration with single quotes, a comment naming the app's version and the backup's time
# (dd/MM/yyyy), and a stylesheet instruction so that a browser shows the file as a table.
APP_COMMENT = "<!--File Created By SMS Backup & Restore v10.05.612 on 18/06/2024 23:59:58-->"


def _backup(root: str, stylesheet: str, records: list[str], count: int | None, backup_set: str) -> str:
    count = len(records) if count is None else count
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        f"{APP_COMMENT}\n"
        f'<?xml-stylesheet type="text/xsl" href="{stylesheet}"?>\n'
        f'<{root} count="{count}" backup_set="{backup_set}" backup_date="1718726398000" type="full">\n'
        f'{"".join(records)}</{root}>\n'
    )


def sms_xml(*records: str, surrogates=False, count: int | None = None, encoding: str = "utf-8") -> bytes:
    body = _backup("smses", "sms.xsl", list(records), count, "b90dbec0-5a3c-4e2b-9a6f-0c1d2e3f4a5b")
    if surrogates:
        body = emoji_as_surrogates(body)
    return _encoded(body, encoding)


def _encoded(text: str, encoding: str) -> bytes:
    """UTF-8 as the app writes by default; "utf-16" gives a BOM and a matching declaration."""
    if encoding == "utf-8":
        return text.encode()
    return text.replace("encoding='UTF-8'", "encoding='UTF-16'", 1).encode(encoding)


def call(when: datetime, type_code: int, number: str, duration: int, contact_name="(Unknown)", locale=0,
         presentation=1) -> str:
    values = {
        "number": number, "duration": duration, "date": ms(when), "type": type_code, "presentation": presentation,
        "subscription_id": "1", "post_dial_digits": "", "subscription_component_name": "null",
        "readable_date": READABLE_DATES[locale % len(READABLE_DATES)], "contact_name": contact_name,
    }
    return f"  <call {_attrs(values)} />\n"


def calls_xml(*records: str, count: int | None = None, encoding: str = "utf-8") -> bytes:
    return _encoded(_backup("calls", "calls.xsl", list(records), count, "4f1c2b7e-0d9a-4c61-8e3b-7a2d5c9e1f03"), encoding)
