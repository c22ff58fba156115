"""Repair emoji that SMS Backup & Restore writes as UTF-16 surrogate pairs, while streaming.

One option of the app writes 😀 as `&#55357;&#56832;`. XML forbids references to surrogate
code points, so every parser rejects the file. Each pair becomes the one real character
(`&#128512;`); a lone half, which cannot be decoded, becomes U+FFFD (�).
"""

import re

_HIGH = rb"0{0,3}(?:5529[6-9]|55[3-9]\d\d|56[0-2]\d\d|563[01]\d)|[xX]0{0,3}[dD][89abAB][0-9a-fA-F]{2}"
_LOW = rb"0{0,3}(?:5632\d|563[3-9]\d|56[4-9]\d\d|57[0-2]\d\d|573[0-3]\d|5734[0-3])|[xX]0{0,3}[dD][c-fC-F][0-9a-fA-F]{2}"
_SURROGATES = re.compile(rb"&#(" + _HIGH + rb");&#(" + _LOW + rb");|&#(" + _HIGH + rb"|" + _LOW + rb");")
# A reference cut by a chunk boundary starts within this many bytes of the chunk's end.
_CARRY = 64


def _value(reference: bytes) -> int:
    return int(reference[1:], 16) if reference[:1] in b"xX" else int(reference)


class SurrogateRepairingReader:
    """A binary stream wrapper whose read() returns the bytes with surrogate references fixed."""

    def __init__(self, stream, chunk_size: int = 1 << 20):
        self.stream = stream
        self.chunk_size = chunk_size
        self.carry = b""
        self.pairs = 0
        self.lone = 0
        self.bytes_read = 0

    def _replace(self, match: re.Match) -> bytes:
        if match.group(1) is not None:
            self.pairs += 1
            high, low = _value(match.group(1)), _value(match.group(2))
            return b"&#%d;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        self.lone += 1
        return b"&#65533;"

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self.stream.read(self.chunk_size)
            self.bytes_read += len(chunk)
            data = self.carry + chunk
            # A reference that starts this close to the end may continue in the next chunk;
            # one that starts earlier is complete here (a pair is at most ~30 bytes).
            boundary = max(0, len(data) - _CARRY) if chunk else len(data)
            out, pos = [], 0
            if b"&#" in data:
                for match in _SURROGATES.finditer(data):
                    if match.start() >= boundary:
                        break
                    out += (data[pos:match.start()], self._replace(match))
                    pos = match.end()
            keep = max(pos, boundary)
            out.append(data[pos:keep])
            self.carry = data[keep:]
            result = b"".join(out)
            if result or not chunk:
                return result
