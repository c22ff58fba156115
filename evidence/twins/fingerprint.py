"""Perceptual hashing and text likeness, with no database: what two pictures must share to be twins.

The hash is a difference hash (dHash) at 16×16: the picture in grey, shrunk to 17×16, one bit per
pair of neighbours (is the left one brighter). A recompressed JPEG or a resize of the same
screenshot differs in a few bits (3 of 256 for a WeChat screenshot saved as JPEG at quality 60, or
shrunk from 1080×2400 to 720×1600); two different chat screenshots of the same app, alike in
layout, differ in 30 or more. A crop moves everything and changes most bits, so crops are found by
their text instead: the same messages, read in both.
"""

import re

from PIL import Image, ImageOps

SIZE = 16
PICTURE_DISTANCE = 12  # at most this many of 256 bits differ: the same picture
MIN_TRIGRAMS = 8  # a text this short (about 10 characters) says too little to compare
SAME_TEXT = 0.7  # of the shorter text's trigrams found in the other: the same messages (a crop holds fewer)
OTHER_TEXT = 0.3  # under this: different messages, however alike the two pictures look
_NOT_WORDS = re.compile(r"[\s\W_]+", re.UNICODE)


def dhash(picture: Image.Image) -> str:
    grey = ImageOps.grayscale(picture).resize((SIZE + 1, SIZE), Image.Resampling.BOX)
    pixels = grey.tobytes()
    bits = 0
    for row in range(SIZE):
        line = pixels[row * (SIZE + 1):(row + 1) * (SIZE + 1)]
        for col in range(SIZE):
            bits = bits << 1 | (line[col] > line[col + 1])
    return f"{bits:064x}"


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def message_key(text: str) -> str:
    """A message as compared across readings: no spaces, no punctuation, lower case."""
    return _NOT_WORDS.sub("", text).lower()


def messages_of(passages: list[dict], dismissed: set[str] = frozenset()) -> frozenset[str]:
    """The character trigrams of a picture's messages (bubbles and paragraphs, not time separators),
    without spaces and punctuation: two readings of one screenshot may split bubbles, lines and
    words differently, and a crop holds only some of them, but they share their trigrams."""
    text = "".join(message_key(str(p.get("text", ""))) for p in passages
                   if p.get("side") != "time" and str(p.get("n")) not in dismissed)
    return frozenset(text[i:i + 3] for i in range(len(text) - 2))


def _overlap(a: frozenset, b: frozenset) -> float | None:
    """The share of the shorter text's trigrams found in the other; None when either is too short."""
    if len(a) < MIN_TRIGRAMS or len(b) < MIN_TRIGRAMS:
        return None
    return len(a & b) / min(len(a), len(b))


def same_messages(a: frozenset, b: frozenset) -> bool:
    overlap = _overlap(a, b)
    return overlap is not None and overlap >= SAME_TEXT


def different_messages(a: frozenset, b: frozenset) -> bool:
    """Both hold text, and little of it in common: alike in look, not in content."""
    overlap = _overlap(a, b)
    return overlap is not None and overlap < OTHER_TEXT
