"""From recognised lines to what a reader sees: a chat's bubbles with their side and time.

Chat apps draw the other side's messages in neutral bubbles (WeChat white, dark mode grey) on
the left and the phone owner's in a coloured bubble (WeChat green, QQ and iMessage blue) on
the right; a time separator is small centred text without a bubble. So each line's side is
read from the colour just beside its text (inside the bubble's padding) and, where that is the
page colour, from where the line sits. Lines of one side that follow each other closely are
one bubble. Best effort: a line it cannot place is kept with side "unknown", never dropped.

Pictures that are not phone chats (a photographed letter) become paragraphs, side "unknown".
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from evidence.ocr.engine import Line, join_words

THEIRS, MINE, TIME, UNKNOWN = "theirs", "mine", "time", "unknown"

# A visible time above messages: 22:41, 昨天 23:05, 2026年3月15日 07:12, 下午10:41, Yesterday 11:05 PM, Mon 9:30.
_TIME = re.compile(
    r"^(?:(?:\d{4}[年/.-])?\d{1,2}[月/.-]\d{1,2}日?|昨天|今天|前天|星期[一二三四五六日天]|周[一二三四五六日天]"
    r"|yesterday|today|mon|tue|wed|thu|fri|sat|sun|[a-z]{3,9}\.? \d{1,2},?(?: \d{4})?)?\s*"
    r"(?:上午|下午|晚上|凌晨|中午|早上)?\s*\d{1,2}[:：]\d{2}\s*(?:am|pm)?$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Passage:
    n: int
    side: str
    text: str
    time: str  # the visible time this message sits under, as shown ("" if none)
    lines: list[int] = field(default_factory=list)  # indices into the recognised lines
    box: tuple[int, int, int, int] = (0, 0, 0, 0)

    def as_dict(self) -> dict:
        return {"n": self.n, "side": self.side, "text": self.text, "time": self.time, "lines": self.lines,
                "box": list(self.box)}


@dataclass(slots=True)
class Reading:
    layout: str  # "chat" | "text"
    title: str
    passages: list[Passage]
    content_lines: list[int]  # the lines that make up the text (status bar and input bar left out)


def is_time(text: str) -> bool:
    return bool(_TIME.match(text.strip()))


def looks_like_phone_screen(image: Image.Image) -> bool:
    """A whole phone screen (tall), or a part of one: a crop keeps the chat's flat page colour, which
    covers most of a screenshot and little of a photograph."""
    if image.height >= 1.6 * image.width:
        return True
    small = image.convert("RGB").resize((max(image.width // 8, 1), max(image.height // 8, 1)), Image.Resampling.NEAREST)
    colours = small.getcolors(small.width * small.height)
    return max(colours)[0] >= FLAT_SHARE * small.width * small.height


FLAT_SHARE = 0.4  # of the pixels in the page colour: WeChat screenshots 0.7 to 0.85, photos far less


def for_reading(image: Image.Image) -> Image.Image:
    """The grey picture tesseract reads best for a phone screenshot: avatars out, bubbles light.

    Each pixel becomes its brightest channel, so a coloured bubble (WeChat green, QQ blue) turns
    as light as a white one while dark text stays dark: read as plain grey, a green bubble's
    characters are dropped (我下周一定还 read as 我一定还).
    """
    clean = without_avatars(image)
    red, green, blue = clean.split()
    brightest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    darkest = ImageChops.darker(ImageChops.darker(red, green), blue)
    page = _page_colour(clean)
    bubbles, spots = _coloured(ImageChops.subtract(brightest, darkest))
    if sum(page) < 3 * 100:
        # Dark mode: light text on the page and the grey bubbles, dark text on the coloured ones.
        # Turn the neutral parts over and keep the coloured bubbles as they are, so that every
        # letter is dark on white; the coloured bubbles' rims (and tails) go white.
        inside, around = (bubbles.filter(f).resize(image.size, Image.Resampling.NEAREST)
                          for f in (ImageFilter.MinFilter(5), ImageFilter.MaxFilter(3)))
        neutral = ImageChops.lighter(ImageOps.invert(brightest).point(_stretch(255 - max(page) - 40)), around)
        out = Image.composite(brightest.point(_stretch(140)), neutral, inside)
    else:
        # Bubbles and page to white, and the small grey time separators darker: read as they are, the
        # separators are dropped as background.
        out = brightest.point(_stretch(215))
    # Emoji (and a cut-off avatar's sliver) go white: read, each is a letter or two of nonsense.
    out = ImageChops.lighter(out, spots.filter(ImageFilter.MaxFilter(3)).resize(image.size, Image.Resampling.NEAREST))
    return _without_title_icons(out) if image.height >= 1.6 * image.width else out  # a whole screen: a title bar


def _coloured(saturation: Image.Image) -> tuple[Image.Image, Image.Image]:
    """Strongly coloured regions at a quarter of the size: those a bubble's height across, and smaller spots.

    Blue link text (WeChat's #576B95) is not strongly coloured; green bubbles and emoji are.
    """
    quarter = saturation.point(lambda v: 255 if v >= 80 else 0).resize(
        (saturation.width // 4, saturation.height // 4), Image.Resampling.BOX).point(lambda v: 255 if v >= 96 else 0)
    closed = quarter.filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.MinFilter(3))  # letters filled in
    bubbles = closed.filter(ImageFilter.MinFilter(11)).filter(ImageFilter.MaxFilter(11))  # holds a 44 px square
    return bubbles, ImageChops.subtract(closed, bubbles)


def _stretch(threshold: int) -> list[int]:
    return [255 if v > threshold else int(v * 0.6) for v in range(256)]


def _without_title_icons(image: Image.Image) -> Image.Image:
    """The back arrow and the menu dots beside the title, whited out (read, they join the title)."""
    width, height = image.size
    draw = ImageDraw.Draw(image)
    for x0, x1 in ((0, width * 0.13), (width * 0.87, width)):
        draw.rectangle((x0, height * 0.04, x1, height * 0.095), fill=255)
    return image


def without_avatars(image: Image.Image) -> Image.Image:
    """A copy of a phone screenshot with the senders' avatars painted over in the page colour.

    An avatar (a photo or a coloured square beside a bubble) read as text turns the whole line
    beside it into nonsense. Avatars are blobs in the outer sixth of the screen, about square,
    with a gap of page colour between them and the bubble; a bubble that reaches the edge has no
    such gap and is left alone. The original is never changed: this copy is only read.
    """
    rgb = image.convert("RGB")
    page = _page_colour(rgb)
    width, height = rgb.size
    differs = ImageChops.difference(rgb, Image.new("RGB", rgb.size, page)).convert("L").point(lambda v: 255 if v > 24 else 0)
    strip = int(width * 0.17)
    top, bottom = int(height * 0.095), int(height * 0.93)
    out = rgb.copy()
    draw = ImageDraw.Draw(out)
    for x_from, x_to in ((0, strip), (width - strip, width)):
        for y0, y1 in _runs(differs.crop((x_from, top, x_to, bottom))):
            y0, y1 = y0 + top, y1 + top
            columns = differs.crop((x_from, y0, x_to, y1)).resize((x_to - x_from, 1), Image.Resampling.BOX)
            blob = _outer_blob(list(columns.get_flattened_data()), from_left=x_from == 0)
            if blob is None:  # nothing closed off by page colour: a bubble reaching the edge
                continue
            bx0, bx1 = blob[0] + x_from, blob[1] + x_from
            box = differs.crop((bx0, y0, bx1, y1)).getbbox()
            if box is None:
                continue
            blob_w, blob_h = bx1 - bx0, box[3] - box[1]
            if width * 0.04 <= blob_w <= width * 0.15 and 0.6 <= blob_h / blob_w <= 1.6:
                draw.rectangle((bx0, y0 + box[1], bx1, y0 + box[3]), fill=page)
    return out


def _outer_blob(columns: list[int], *, from_left: bool) -> tuple[int, int] | None:
    """[a, b) of the first run of set columns from the screen's edge, if page colour follows it."""
    order = range(len(columns)) if from_left else range(len(columns) - 1, -1, -1)
    start = end = None
    for x in order:
        if columns[x] and start is None:
            start = x
        elif not columns[x] and start is not None:
            end = x
            break
    if start is None or end is None:
        return None
    return (start, end) if from_left else (end + 1, start + 1)


def _runs(mask: Image.Image) -> list[tuple[int, int]]:
    """Row ranges [y0, y1) of a mask in which some pixel is set."""
    profile = mask.resize((1, mask.height), Image.Resampling.BOX).get_flattened_data()
    runs, start = [], None
    for y, value in enumerate(profile):
        if value and start is None:
            start = y
        elif not value and start is not None:
            runs.append((start, y))
            start = None
    if start is not None:
        runs.append((start, mask.height))
    return runs


def read_layout(lines: list[Line], image: Image.Image) -> Reading:
    """Group the lines of one picture into chat bubbles (phone screenshots) or paragraphs."""
    if not lines:
        return Reading(layout="text", title="", passages=[], content_lines=[])
    rgb = image.convert("RGB")
    page = _page_colour(rgb)
    if looks_like_phone_screen(rgb):
        reading = _chat(lines, rgb, page)
        if reading is not None:
            return reading
    return _paragraphs(lines, list(range(len(lines))))


def _chat(lines: list[Line], image: Image.Image, page: tuple[int, int, int]) -> Reading | None:
    width, height = image.size
    status_bottom, header_bottom, input_top = height * 0.04, height * 0.095, height * 0.93
    title, sides, content = "", [], []
    for i, line in enumerate(lines):
        x0, y0, x1, y1 = line.box
        middle = (y0 + y1) / 2
        if middle < status_bottom or middle > input_top:  # clock, battery; the input bar
            sides.append(None)
            continue
        if middle < header_bottom:  # the title bar: whom the chat is with
            if abs((x0 + x1) / 2 - width / 2) < width * 0.2 and not title:
                title = line.text
            sides.append(None)
            continue
        sides.append(_side(line, image, page))
        content.append(i)
    bubbles = sum(1 for s in sides if s in (THEIRS, MINE))
    if bubbles < 2:
        return None
    passages: list[Passage] = []
    time_shown = ""
    previous: Line | None = None
    for i in content:
        line, side = lines[i], sides[i]
        if side == TIME:
            time_shown = line.text
            passages.append(Passage(n=len(passages) + 1, side=TIME, text=line.text, time=line.text, lines=[i],
                                    box=line.box))
            previous = None
            continue
        last = passages[-1] if passages else None
        if (last is not None and previous is not None and last.side == side and _same_bubble(previous, line)
                and not _page_between(image, page, previous, line)):
            last.text = _join(last.text, line.text)
            last.lines.append(i)
            last.box = _union(last.box, line.box)
        else:
            passages.append(Passage(n=len(passages) + 1, side=side, text=line.text, time=time_shown, lines=[i],
                                    box=line.box))
        previous = line
    return Reading(layout="chat", title=title, passages=passages, content_lines=content)


def _side(line: Line, image: Image.Image, page: tuple[int, int, int]) -> str:
    width = image.width
    x0, y0, x1, y1 = line.box
    fill = _beside(image, line.box)
    centre = (x0 + x1) / 2
    if fill is None or _close(fill, page):
        # No bubble behind it: a time separator or a system notice, or a bubble we failed to see.
        if is_time(line.text) and abs(centre - width / 2) < width * 0.15:
            return TIME
        if x0 < width * 0.25 and centre < width * 0.5:
            return THEIRS
        if x1 > width * 0.75 and centre > width * 0.5:
            return MINE
        return UNKNOWN
    # A coloured bubble is the owner's; a neutral one (white, grey) is the other side's.
    return MINE if max(fill) - min(fill) >= 40 else THEIRS


def _beside(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int, int] | None:
    """The most common colour just left and right of the text: the bubble's fill if it has one."""
    x0, y0, x1, y1 = box
    samples = []
    for x in (x0 - 6, x0 - 4, x1 + 4, x1 + 6):
        if 0 <= x < image.width:
            for y in range(max(y0, 0), min(y1, image.height), max((y1 - y0) // 6, 1)):
                samples.append(image.getpixel((x, y)))
    if not samples:
        return None
    return Counter(samples).most_common(1)[0][0]


def _page_colour(image: Image.Image) -> tuple[int, int, int]:
    """The chat's background: the commonest colour of thin strips at both edges of the middle."""
    small = image.crop((0, image.height // 6, image.width, image.height * 5 // 6))
    strip = [small.getpixel((x, y)) for y in range(0, small.height, 7) for x in (2, 6, small.width - 7, small.width - 3)]
    return Counter(strip).most_common(1)[0][0]


def _close(a, b, tolerance: int = 12) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=False))


def _same_bubble(previous: Line, line: Line) -> bool:
    """Lines of one bubble follow within about half a line; bubbles are further apart."""
    height = max(previous.box[3] - previous.box[1], line.box[3] - line.box[1], 1)
    return line.box[1] - previous.box[3] < height * 0.9


def _page_between(image: Image.Image, page: tuple[int, int, int], previous: Line, line: Line) -> bool:
    """Whether a row of bare page colour runs under both lines between them: two bubbles, not one.

    Line boxes alone cannot tell: in a recompressed JPEG the bubble's edges read as ink and the
    boxes grow until the gap between two bubbles looks like the gap between two lines of one.
    """
    left, right = max(previous.box[0], line.box[0]), min(previous.box[2], line.box[2])
    if right - left < 8:
        return False
    xs = range(left, right, max((right - left) // 12, 1))
    for y in range(max(previous.box[3], 0), min(line.box[1], image.height)):
        if all(_close(image.getpixel((x, y)), page) for x in xs):
            return True
    return False


def paragraphs(lines: list[Line]) -> Reading:
    """Lines of a page that is not a chat (a scanned letter) as paragraphs, side "unknown"."""
    return _paragraphs(lines, list(range(len(lines))))


def _paragraphs(lines: list[Line], indices: list[int]) -> Reading:
    passages: list[Passage] = []
    previous: Line | None = None
    for i in indices:
        line = lines[i]
        if previous is not None and passages and _same_bubble(previous, line):
            passages[-1].text = _join(passages[-1].text, line.text)
            passages[-1].lines.append(i)
            passages[-1].box = _union(passages[-1].box, line.box)
        else:
            passages.append(Passage(n=len(passages) + 1, side=UNKNOWN, text=line.text, time="", lines=[i],
                                    box=line.box))
        previous = line
    return Reading(layout="text", title="", passages=passages, content_lines=indices)


def _join(a: str, b: str) -> str:
    """Two wrapped lines of one message: Chinese runs on without a space, Latin with one."""
    return join_words([a, b])


def _union(a, b) -> tuple[int, int, int, int]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
