from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "evidence" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields, current = {}, None
        for line in lines:
            if line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
                current, _, rest = line.partition(" ")
                current = "msgstr" if current == "msgstr[0]" else current
                fields[current] = rest.strip('"')
            elif line.startswith('"') and current:
                fields[current] += line.strip('"')
        if fields.get("msgid"):
            yield fields["msgid"], fields.get("msgstr", ""), fuzzy


def test_every_message_has_a_chinese_translation():
    untranslated = [msgid for msgid, msgstr, fuzzy in _entries(PO.read_text()) if not msgstr or fuzzy]

    assert untranslated == []

