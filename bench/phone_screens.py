"""Phone-like pictures for the bundle benchmark: what a borrower's gallery holds, with what is drawn.

    from phone_screens import make_pictures, size_table
    pictures = make_pictures(Path("/tmp/phone"), 200, seed=1)   # [Picture] in /tmp/phone/shots/, kept for next time
    print(size_table(pictures))

The mix is fixed by the count and the seed (for 200: 166 PNG screenshots, 34 JPEGs):
- 64 % WeChat-like chats (tests/samples/chat_screens.py, one in four dark), four in ten with a
  photo message (a photo-like thumbnail in its own bubble, beside an avatar) at the top of the
  chat and some with a sticker (a shaded face, larger than an emoji);
- 9 % the dialer's call list (通话记录: round avatars, missed calls in red, caller-ID tags such as
  疑似催收 · 128人标记, the bottom navigation), 10 % the messages app's list (信息: senders, a line of
  each message, dates, unread badges); both light or dark;
- 9 % chat screenshots saved again as JPEG (quality 85) by the chat app they were forwarded
  through, 8 % camera photos of a demand letter on a table (1536×2048 or 2048×1536, JPEG 85).
Screens are 1080×2400 (35 %), 1080×2340 (25 %), 720×1600 (20 %) or 1170×2532 (20 %), saved as
PNG with zlib level 6 as the phones' screenshot tools do. What makes them weigh what real ones do
is what real ones carry: anti-aliased text, avatars, emoji, status bars, the odd photo; not
noise laid over the screen (bench/report_render.py's make_screenshots does that, for the worst
case). Only what is a photograph (the camera photos, the photo thumbnails, some avatars) carries
texture and grain, at the strength of a phone camera's.

Each picture comes with what was drawn (`truth`: title, layout, passages with side, text, time
and box), so the benchmark can record the text a perfect reading would find without running
tesseract on every picture.
"""

import io
import json
import math
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.samples import chat_screens as cs  # noqa: E402

VERSION = 1  # bump when a picture changes: pictures kept from an earlier run are made again
SIZES = [((1080, 2400), 35), ((1080, 2340), 25), ((720, 1600), 20), ((1170, 2532), 20)]
MIX = [("chat", 64), ("calls", 9), ("sms", 10), ("chat-jpeg", 9), ("photo", 8)]
PHOTO_SIZES = [(1536, 2048), (2048, 1536)]
JPEG_QUALITY = 85


@dataclass(slots=True)
class Picture:
    path: str
    what: str  # chat | calls | sms | chat-jpeg | photo
    mime: str
    kind: str  # the evidence kind it is uploaded as: screenshot | photo
    width: int
    height: int
    size: int  # bytes
    theme: str = ""
    truth: dict = field(default_factory=dict)  # title, layout (chat | text), passages [{side, text, time, box}]


# --- the mix --------------------------------------------------------------------------------------

def _spread(count: int, weights: list) -> list:
    """`count` values in the given proportions, rounded so they add up."""
    total = sum(w for _, w in weights)
    out, carried = [], 0.0
    for value, weight in weights:
        carried += count * weight / total
        out += [value] * (round(carried) - len(out))
    return out


def plan(count: int, seed: int) -> list[dict]:
    """What each picture is: its kind, screen size, theme and seed."""
    rng = random.Random(seed)
    whats = _spread(count, MIX)
    sizes = _spread(count, SIZES)
    rng.shuffle(whats)
    rng.shuffle(sizes)
    out = []
    for i, (what, size) in enumerate(zip(whats, sizes, strict=True)):
        out.append({"i": i, "what": what, "size": size, "seed": seed * 10_000 + i,
                    "theme": "dark" if rng.random() < 0.25 else "light"})
    return out


def make_pictures(folder: Path, count: int, seed: int = 1, workers: int = 2) -> list[Picture]:
    """Write the pictures into folder/shots/ (nothing else goes there), their list into folder/pictures.json;
    kept from an earlier run that made the same ones."""
    (folder / "shots").mkdir(parents=True, exist_ok=True)
    manifest = folder / "pictures.json"
    key = {"version": VERSION, "count": count, "seed": seed}
    if manifest.exists():
        kept = json.loads(manifest.read_text())
        pictures = [Picture(**p) for p in kept.get("pictures", [])]
        if kept.get("key") == key and all(Path(p.path).exists() and Path(p.path).stat().st_size == p.size
                                          for p in pictures):
            return pictures
    for stale in (folder / "shots").iterdir():
        stale.unlink()
    jobs = [(str(folder / "shots"), entry) for entry in plan(count, seed)]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            pictures = list(pool.map(_make_one, jobs, chunksize=4))
    else:
        pictures = [_make_one(job) for job in jobs]
    manifest.write_text(json.dumps({"key": key, "pictures": [asdict(p) for p in pictures]}, ensure_ascii=False))
    return pictures


def _make_one(job: tuple[str, dict]) -> Picture:
    folder, entry = job
    rng = random.Random(entry["seed"])
    what, (width, height), theme = entry["what"], entry["size"], entry["theme"]
    if what == "photo":
        width, height = rng.choice(PHOTO_SIZES)
        image, truth = letter_photo(rng, width, height)
    elif what == "calls":
        image, truth = call_list(rng, width, height, theme)
    elif what == "sms":
        image, truth = sms_list(rng, width, height, theme)
    else:
        image, truth = chat(entry["seed"], rng, width, height, theme)
    out = io.BytesIO()
    if what in ("photo", "chat-jpeg"):
        image.save(out, "JPEG", quality=JPEG_QUALITY)
        name, mime = f"IMG_{entry['i']:04d}.jpg", "image/jpeg"
    else:
        image.save(out, "PNG", compress_level=6)
        name, mime = f"Screenshot_{entry['i']:04d}.png", "image/png"
    path = Path(folder) / name
    path.write_bytes(out.getvalue())
    return Picture(path=str(path), what=what, mime=mime, kind="photo" if what == "photo" else "screenshot",
                   width=image.width, height=image.height, size=len(out.getvalue()), theme=theme, truth=truth)


def size_table(pictures: list[Picture]) -> str:
    """The sizes by kind and screen: count, min / median / max KiB; and the PNGs' share in 150–400 KiB."""
    groups: dict[str, list[int]] = {}
    for p in pictures:
        groups.setdefault(f"{p.what:<9} {p.width}x{p.height}", []).append(p.size)
    lines = [f"  {name:<20} {len(sizes):4d}  {min(sizes) / 1024:5.0f} / {median(sizes) / 1024:5.0f} / "
             f"{max(sizes) / 1024:5.0f} KiB" for name, sizes in sorted(groups.items())]
    pngs = [p.size for p in pictures if p.mime == "image/png"]
    jpegs = [p.size for p in pictures if p.mime == "image/jpeg"]
    inside = sum(150 * 1024 <= s <= 400 * 1024 for s in pngs)
    if pngs:
        lines.append(f"  PNG  {len(pngs):4d}: median {median(pngs) / 1024:.0f} KiB, {inside} of {len(pngs)} "
                     f"within 150–400 KiB, {sum(pngs) / 2**20:.1f} MiB")
    if jpegs:
        lines.append(f"  JPEG {len(jpegs):4d}: median {median(jpegs) / 1024:.0f} KiB, {sum(jpegs) / 2**20:.1f} MiB")
    return "\n".join(lines)


# --- drawing helpers ------------------------------------------------------------------------------

def _font(size: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(cs.CJK_BOLD if bold else cs.CJK_FONT, max(round(size), 8), index=cs.SC)


def _fit(text: str, font: ImageFont.FreeTypeFont, limit: float) -> str:
    """text cut to fit limit pixels, with an ellipsis when cut, as list rows show a long line."""
    if font.getlength(text) <= limit:
        return text
    while text and font.getlength(text + "…") > limit:
        text = text[:-1]
    return text + "…"


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple, radial: bool = False) -> Image.Image:
    """A smooth fill from one colour to another, downwards or from the centre out."""
    mask = (Image.radial_gradient("L") if radial else Image.linear_gradient("L")).resize(size, Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _grain(image: Image.Image, sigma: float) -> Image.Image:
    """A camera's sensor noise: faint, grey, at full resolution."""
    if not sigma:
        return image
    noise = Image.effect_noise(image.size, sigma).convert("RGB")  # centred on 128, `sigma` levels wide
    return ImageChops.add(image, noise, 1.0, -128)


def _photo(rng: random.Random, width: int, height: int, grain: float = 3.0) -> Image.Image:
    """A photo-like picture: light falling across a scene of soft-edged things, slightly out of focus.

    Low-resolution colour fields scaled up make the light; shapes drawn on them, blurred, make the
    things; a finer field scaled up makes surface texture (cloth, wood, skin); then the grain.
    """
    palette = rng.choice([[(196, 160, 120), (120, 90, 60), (230, 220, 200)],  # indoors, warm
                          [(110, 150, 190), (70, 110, 60), (200, 210, 220)],  # outdoors
                          [(90, 90, 100), (160, 150, 140), (40, 40, 50)]])  # an evening street
    small = Image.new("RGB", (4, 5))
    small.putdata([tuple(max(0, min(255, c + rng.randrange(-40, 40))) for c in rng.choice(palette)) for _ in range(20)])
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(5, 10)):
        colour = tuple(rng.randrange(20, 240) for _ in range(3))
        x0, y0 = rng.uniform(-0.2, 0.9) * width, rng.uniform(-0.2, 0.9) * height
        x1, y1 = x0 + rng.uniform(0.1, 0.6) * width, y0 + rng.uniform(0.1, 0.6) * height
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.polygon([(x0, y0), (x1, y0 + rng.uniform(-0.1, 0.1) * height), (x1, y1), (x0, y1)], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(max(width, height) / 120))
    texture = Image.effect_noise((max(width // 4, 1), max(height // 4, 1)), 40).resize((width, height),
                                                                                       Image.Resampling.BICUBIC)
    image = Image.blend(image, Image.merge("RGB", [texture] * 3), 0.12)
    light = _gradient((width, height), (255, 255, 255), (150, 150, 150), radial=True)
    image = Image.blend(image, Image.composite(image, light, Image.new("L", (width, height), 200)), 0.3)
    return _grain(image, grain)


def _circle_avatar(image: Image.Image, rng: random.Random, box: tuple, letter: str = "") -> None:
    """A round contact picture: a colour with a letter, a grey person, or a small photo."""
    x0, y0, x1, y1 = (round(v) for v in box)
    size = x1 - x0
    mask = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    mask = mask.resize((size, size), Image.Resampling.LANCZOS)  # anti-aliased edge
    choice = rng.random()
    if choice < 0.25:
        tile = _photo(rng, size, size, grain=2)
    else:
        colour = rng.choice([(66, 133, 244), (219, 68, 55), (244, 180, 0), (15, 157, 88), (171, 71, 188),
                             (0, 172, 193), (255, 112, 67), (158, 158, 158)])
        tile = Image.new("RGB", (size, size), colour)
        draw = ImageDraw.Draw(tile)
        if letter and choice < 0.75:
            draw.text((size / 2, size / 2), letter, font=_font(size * 0.45), fill=(255, 255, 255), anchor="mm")
        else:  # a person
            draw.ellipse((size * 0.34, size * 0.2, size * 0.66, size * 0.52), fill=(255, 255, 255))
            draw.pieslice((size * 0.18, size * 0.58, size * 0.82, size * 1.2), 180, 360, fill=(255, 255, 255))
    image.paste(tile, (x0, y0), mask)


def _handle(draw: ImageDraw.ImageDraw, s: float, width: int, height: int, dark: bool) -> None:
    y = height - 22 * s
    draw.rounded_rectangle((width / 2 - 120 * s, y - 5 * s, width / 2 + 120 * s, y + 5 * s), radius=5 * s,
                           fill=(120, 120, 120) if dark else (30, 30, 30))


def _time_word(rng: random.Random) -> str:
    return rng.choice([f"{rng.randrange(24):02d}:{rng.randrange(60):02d}", "昨天", f"星期{rng.choice('一二三四五六日')}",
                       f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日"])


def _number(rng: random.Random) -> str:
    return rng.choice([f"1{rng.choice('3578')}{rng.randrange(10)} {rng.randrange(10000):04d} {rng.randrange(10000):04d}",
                       f"+86 1{rng.choice('3578')}{rng.randrange(10)} {rng.randrange(10000):04d} {rng.randrange(10000):04d}",
                       f"0{rng.randrange(10, 99)}-{rng.randrange(10**7, 10**8)}",
                       f"400-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"])


# --- chats ----------------------------------------------------------------------------------------

def chat(seed: int, rng: random.Random, width: int, height: int, theme: str) -> tuple[Image.Image, dict]:
    """A chat screenshot from tests/samples/chat_screens.py, with a photo message or a sticker at times."""
    screen = cs.chat_screen(seed, theme=theme, width=width, height=height)
    image = Image.open(io.BytesIO(screen.data)).convert("RGB")
    passages = [{"side": p.side, "text": p.text, "time": p.time, "box": list(p.box)} for p in screen.passages]
    extra = rng.random()
    if extra < 0.4:
        passages = _photo_message(image, rng, screen, passages, sticker=False)
    elif extra < 0.55:
        passages = _photo_message(image, rng, screen, passages, sticker=True)
    return image, {"title": screen.title, "layout": "chat", "passages": passages}


def _photo_message(image: Image.Image, rng: random.Random, screen, passages: list[dict], sticker: bool) -> list[dict]:
    """Clear the top of the chat and put a photo (or a sticker) there, in a bubble beside an avatar.

    The passages now under it are dropped from the truth; the first one left keeps its bubble:
    the cleared area ends in the gap above it.
    """
    width = image.width
    s = width / cs.WIDTH
    colours = cs.THEMES[screen.theme]
    if sticker:
        w = h = round(330 * s)
    else:
        # WeChat's thumbnail: about 120 dp on the long side, the photo's own shape
        w, h = rng.choice([(round(0.23 * width), round(0.31 * width)), (round(0.31 * width), round(0.23 * width))])
    gap = 70 * s  # from a text box's top to the end of the bubble above, with room to spare
    fits = [k for k, p in enumerate(passages) if p["box"][1] - gap - h >= screen.chat_top + 24 * s]
    if not fits:
        return passages
    first = fits[0]
    passage = passages[first]
    bottom = passage["box"][1] - gap
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, screen.chat_top, width, passage["box"][1] - 40 * s), fill=colours.page)
    top = round(bottom - h)
    avatar = round(110 * s)
    mine = rng.random() < 0.25
    margin, arrow_gap = round(33 * s), round(24 * s)
    avatar_x = width - margin - avatar if mine else margin
    cs._avatar(draw, rng, (avatar_x, top, avatar_x + avatar, top + avatar))
    x = avatar_x - arrow_gap - w if mine else margin + avatar + arrow_gap
    if sticker:
        tile = _sticker(rng, w, colours.page)
    else:
        tile = _photo(rng, w, h, grain=2)  # a thumbnail: the app scaled the photo down, and its grain with it
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius=round(11 * s), fill=255)
    image.paste(tile, (round(x), top), mask)
    return passages[first:]


def _sticker(rng: random.Random, size: int, page: tuple) -> Image.Image:
    """A sticker: a shaded round face with an outline and a tear or a frown, on the chat's page."""
    tile = Image.new("RGB", (size, size), page)
    face = _gradient((size, size), (255, 226, 110), (240, 160, 30), radial=True)
    mask = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(mask).ellipse((8, 8, size * 4 - 8, size * 4 - 8), fill=255)
    tile.paste(face, (0, 0), mask.resize((size, size), Image.Resampling.LANCZOS))
    draw = ImageDraw.Draw(tile)
    for ex in (0.35, 0.65):
        draw.ellipse((size * (ex - 0.06), size * 0.32, size * (ex + 0.06), size * 0.46), fill=(70, 40, 20))
    draw.arc((size * 0.3, size * 0.58, size * 0.7, size * 0.85), 200, 340, fill=(70, 40, 20), width=max(size // 30, 2))
    if rng.random() < 0.5:
        draw.ellipse((size * 0.66, size * 0.45, size * 0.76, size * 0.62), fill=(90, 170, 240))
    return tile


# --- the dialer's call list -----------------------------------------------------------------------

_LIST_COLOURS = {
    "light": {"page": (255, 255, 255), "ink": (25, 25, 25), "grey": (118, 118, 118), "missed": (229, 57, 53),
              "divider": (232, 232, 232), "accent": (26, 115, 232), "field": (241, 243, 244), "bar": (248, 248, 248)},
    "dark": {"page": (18, 18, 18), "ink": (232, 232, 232), "grey": (150, 150, 150), "missed": (255, 107, 107),
             "divider": (44, 44, 44), "accent": (138, 180, 248), "field": (40, 40, 42), "bar": (28, 28, 28)},
}
_TAGS = ["疑似催收 · {n}人标记", "骚扰电话 · {n}人标记", "贷款理财 · {n}人标记", "广东深圳 移动", "浙江杭州 联通",
         "上海 电信", "江苏南京 移动", "四川成都 移动", "北京 联通"]
_NAMES = ["催收-王经理", "XX贷客服", "未知号码", "妈妈", "公司-李主任", "闪电借款", "老婆", "安心花法务部"]


def _status(draw, s: float, width: int, colours: dict, rng: random.Random) -> int:
    """The Android status bar of tests/samples/chat_screens.py, in these colours; its height."""
    height = round(rng.randrange(84, 112) * s)
    theme = cs.Theme(page=colours["page"], bar=colours["page"], ink=colours["ink"], theirs=colours["page"],
                     theirs_text=colours["ink"], mine=colours["page"], mine_text=colours["ink"],
                     time_text=colours["grey"], input_bar=colours["bar"], input_field=colours["field"],
                     divider=colours["divider"])
    cs._status_bar(draw, s, width, height, theme, rng, f"{rng.randrange(24):02d}:{rng.randrange(60):02d}")
    return height


def _call_icon(draw, x: float, y: float, s: float, kind: str, colours: dict) -> None:
    """The small arrow before a call's details: in (down-left), out (up-right), missed (red), rejected."""
    colour = {"missed": colours["missed"], "rejected": colours["missed"], "in": (15, 157, 88),
              "out": colours["accent"]}[kind]
    a, b = ((x + 26 * s, y - 26 * s), (x, y)) if kind != "out" else ((x, y), (x + 26 * s, y - 26 * s))
    draw.line([a, b], fill=colour, width=max(round(4 * s), 1))
    tip = b
    back = (tip[0] + (a[0] - tip[0]) * 0.5, tip[1] + (a[1] - tip[1]) * 0.5)
    draw.polygon([tip, (back[0], tip[1]), (tip[0], back[1])] if kind != "out" else [tip, (back[0], tip[1]),
                                                                                    (tip[0], back[1])], fill=colour)
    if kind == "rejected":
        draw.line([(x + 30 * s, y - 20 * s), (x + 42 * s, y - 8 * s)], fill=colour, width=max(round(3 * s), 1))


def call_list(rng: random.Random, width: int, height: int, theme: str) -> tuple[Image.Image, dict]:
    """The dialer's recent calls (通话记录), as a borrower screenshots it to show how often they ring."""
    s = width / cs.WIDTH
    c = _LIST_COLOURS[theme]
    image = Image.new("RGB", (width, height), c["page"])
    draw = ImageDraw.Draw(image)
    y = _status(draw, s, width, c, rng)
    title_font, name_font, small, tab_font = _font(76 * s, True), _font(46 * s), _font(35 * s), _font(42 * s, True)
    y += 70 * s
    draw.text((56 * s, y), "通话记录", font=title_font, fill=c["ink"], anchor="lm")
    for i, cx in enumerate((width - 150 * s, width - 60 * s)):  # search, menu
        if i == 0:
            draw.ellipse((cx - 20 * s, y - 20 * s, cx + 14 * s, y + 14 * s), outline=c["ink"], width=max(round(4 * s), 1))
            draw.line([(cx + 10 * s, y + 10 * s), (cx + 26 * s, y + 26 * s)], fill=c["ink"], width=max(round(5 * s), 1))
        else:
            for dy in (-22, 0, 22):
                draw.ellipse((cx - 5 * s, y + (dy - 5) * s, cx + 5 * s, y + (dy + 5) * s), fill=c["ink"])
    y += 90 * s
    for i, tab in enumerate(("全部", "未接来电")):
        x = width * (0.25 + 0.5 * i)
        draw.text((x, y), tab, font=tab_font, fill=c["accent"] if i == 0 else c["grey"], anchor="mm")
    draw.rectangle((width * 0.25 - 60 * s, y + 36 * s, width * 0.25 + 60 * s, y + 42 * s), fill=c["accent"])
    draw.line([(0, y + 44 * s), (width, y + 44 * s)], fill=c["divider"], width=max(round(2 * s), 1))
    y += 70 * s
    nav_top = height - 200 * s
    row_h, avatar = 196 * s, 112 * s
    passages = []
    names = {}
    while y + row_h <= nav_top:
        kind = rng.choices(["missed", "in", "out", "rejected"], [55, 20, 10, 15])[0]
        who = rng.choice(_NAMES) if rng.random() < 0.4 else _number(rng)
        repeat = rng.choice(["", "", "", f" ({rng.randrange(2, 12)})"])
        tag = rng.choice(_TAGS).format(n=rng.randrange(20, 3000)) if not who[0].isalpha() or who == "未知号码" else ""
        when = _time_word(rng)
        middle = y + row_h / 2
        _circle_avatar(image, rng, (44 * s, middle - avatar / 2, 44 * s + avatar, middle + avatar / 2),
                       names.setdefault(who, who[0] if not who[0].isdigit() and who[0] != "+" else ""))
        x = 44 * s + avatar + 36 * s
        colour = c["missed"] if kind == "missed" else c["ink"]
        draw.text((x, middle - 30 * s), _fit(who + repeat, name_font, width - x - 300 * s), font=name_font, fill=colour,
                  anchor="lm")
        _call_icon(draw, x, middle + 46 * s, s, kind, c)
        detail = tag or ("手机" if rng.random() < 0.5 else "卡1 · 手机")
        draw.text((x + 46 * s, middle + 32 * s), detail, font=small, fill=c["grey"], anchor="lm")
        draw.text((width - 140 * s, middle), when, font=small, fill=c["grey"], anchor="rm")
        cx = width - 72 * s  # the details button: a circled i
        draw.ellipse((cx - 24 * s, middle - 24 * s, cx + 24 * s, middle + 24 * s), outline=c["grey"],
                     width=max(round(3 * s), 1))
        draw.text((cx, middle), "i", font=_font(30 * s, True), fill=c["grey"], anchor="mm")
        box = [round(x), round(middle - 60 * s), round(width - 140 * s), round(middle + 60 * s)]
        passages.append({"side": "unknown", "text": f"{who}{repeat} {detail} {when}", "time": "", "box": box})
        y += row_h
    _bottom_nav(draw, s, width, height, nav_top, c, ["拨号", "通话记录", "联系人"], 1)
    # the dial pad button over the list
    fx, fy, r = width - 120 * s, nav_top - 110 * s, 84 * s
    draw.rounded_rectangle((fx - r, fy - r, fx + r, fy + r), radius=round(44 * s), fill=c["accent"])
    for gx in (-1, 0, 1):
        for gy in (-1, 0, 1):
            draw.ellipse((fx + gx * 22 * s - 6 * s, fy + gy * 22 * s - 6 * s, fx + gx * 22 * s + 6 * s,
                          fy + gy * 22 * s + 6 * s), fill=c["page"])
    _handle(draw, s, width, height, theme == "dark")
    return image, {"title": "通话记录", "layout": "text", "passages": passages}


def _bottom_nav(draw, s: float, width: int, height: int, top: float, c: dict, labels: list[str], active: int) -> None:
    draw.rectangle((0, top, width, height), fill=c["bar"])
    draw.line([(0, top), (width, top)], fill=c["divider"], width=max(round(2 * s), 1))
    font = _font(32 * s)
    for i, label in enumerate(labels):
        x = width * (i + 0.5) / len(labels)
        colour = c["accent"] if i == active else c["grey"]
        if i == active:
            draw.rounded_rectangle((x - 64 * s, top + 22 * s, x + 64 * s, top + 86 * s), radius=round(32 * s),
                                   fill=tuple((a + b) // 2 for a, b in zip(c["bar"], c["field"], strict=True)))
        draw.ellipse((x - 22 * s, top + 32 * s, x + 22 * s, top + 76 * s), outline=colour, width=max(round(4 * s), 1))
        draw.text((x, top + 118 * s), label, font=font, fill=colour, anchor="mm")


# --- the messages app's list ----------------------------------------------------------------------

_SENDERS = ["1069{:08d}", "106{:09d}", "95{:03d}", "【闪电借款】", "【安心花】", "【XX贷】", "速借宝", "妈妈", "王经理"]


def sms_list(rng: random.Random, width: int, height: int, theme: str) -> tuple[Image.Image, dict]:
    """The messages app's conversations (信息): who wrote, the start of the last message, when."""
    s = width / cs.WIDTH
    c = _LIST_COLOURS[theme]
    image = Image.new("RGB", (width, height), c["page"])
    draw = ImageDraw.Draw(image)
    y = _status(draw, s, width, c, rng)
    title_font, name_font, bold_name, line_font, small = (_font(80 * s, True), _font(46 * s), _font(46 * s, True),
                                                          _font(38 * s), _font(32 * s))
    y += 90 * s
    draw.text((56 * s, y), "信息", font=title_font, fill=c["ink"], anchor="lm")
    y += 90 * s
    draw.rounded_rectangle((44 * s, y - 50 * s, width - 44 * s, y + 50 * s), radius=round(50 * s), fill=c["field"])
    draw.ellipse((90 * s, y - 18 * s, 122 * s, y + 14 * s), outline=c["grey"], width=max(round(4 * s), 1))
    draw.text((150 * s, y), "搜索信息", font=line_font, fill=c["grey"], anchor="lm")
    y += 80 * s
    row_h, avatar = 214 * s, 116 * s
    passages = []
    while y + row_h <= height - 70 * s:
        sender = rng.choice(_SENDERS)
        sender = sender.format(rng.randrange(10 ** 8)) if "{" in sender else sender
        body = cs._message(rng, cs.THEIRS, False)
        if sender.startswith("【"):
            body = sender + body
        unread = rng.random() < 0.45
        when = _time_word(rng)
        middle = y + row_h / 2
        _circle_avatar(image, rng, (44 * s, middle - avatar / 2, 44 * s + avatar, middle + avatar / 2),
                       sender.strip("【】")[0] if not sender[0].isdigit() else "")
        x = 44 * s + avatar + 36 * s
        draw.text((x, middle - 30 * s), _fit(sender, bold_name if unread else name_font, width - x - 240 * s),
                  font=bold_name if unread else name_font, fill=c["ink"], anchor="lm")
        line = _fit(body, line_font, width - x - 130 * s)
        draw.text((x, middle + 34 * s), line, font=line_font, fill=c["ink"] if unread else c["grey"], anchor="lm")
        draw.text((width - 56 * s, middle - 30 * s), when, font=small, fill=c["accent"] if unread else c["grey"],
                  anchor="rm")
        if unread:
            count = str(rng.randrange(1, 30))
            bx = width - 80 * s
            draw.rounded_rectangle((bx - 26 * s, middle + 12 * s, bx + 26 * s, middle + 58 * s), radius=round(23 * s),
                                   fill=c["missed"])
            draw.text((bx, middle + 35 * s), count, font=_font(28 * s, True), fill=(255, 255, 255), anchor="mm")
        box = [round(x), round(middle - 60 * s), round(width - 56 * s), round(middle + 60 * s)]
        passages.append({"side": "unknown", "text": f"{sender} {line} {when}", "time": "", "box": box})
        y += row_h
    # the new-message button
    fx, fy = width - 200 * s, height - 220 * s
    draw.rounded_rectangle((fx - 130 * s, fy - 70 * s, fx + 130 * s, fy + 70 * s), radius=round(40 * s), fill=c["accent"])
    draw.text((fx + 20 * s, fy), "发信息", font=_font(40 * s, True), fill=c["page"], anchor="mm")
    draw.rounded_rectangle((fx - 100 * s, fy - 20 * s, fx - 60 * s, fy + 20 * s), radius=round(8 * s), outline=c["page"],
                           width=max(round(4 * s), 1))
    _handle(draw, s, width, height, theme == "dark")
    return image, {"title": "信息", "layout": "text", "passages": passages}


# --- camera photos --------------------------------------------------------------------------------

_LETTER = ["催 收 函", "律 师 函", "上门催收通知书"]


def letter_photo(rng: random.Random, width: int, height: int) -> tuple[Image.Image, dict]:
    """A phone photo of a demand letter (催收函, 律师函) lying on a table, a little skewed, unevenly lit."""
    table = _photo(rng, width, height, grain=0)
    grain = ImageFilter.GaussianBlur(1)
    wood = Image.effect_noise((max(width // 16, 1), height), 60).resize((width, height), Image.Resampling.BICUBIC)
    table = Image.blend(table, Image.merge("RGB", [wood.point(lambda v: v * 0.8 + 40)] * 3).filter(grain), 0.25)
    ph = round(height * 0.9)
    pw = round(ph / 1.414)  # A4
    paper = Image.new("RGB", (pw, ph), (246, 244, 236))
    draw = ImageDraw.Draw(paper)
    u = pw / 1000
    title = rng.choice(_LETTER)
    draw.text((pw / 2, 110 * u), title, font=_font(64 * u, True), fill=(30, 30, 30), anchor="mm")
    passages = [{"side": "unknown", "text": title.replace(" ", ""), "time": "", "box": [0, 0, 0, 0]}]
    y, font = 220 * u, _font(30 * u)
    for _ in range(rng.randrange(4, 7)):
        said = (cs._say(rng, rng.choice(cs.THEIRS_ZH)) for _ in range(rng.randrange(2, 4)))
        paragraph = "".join("".join(ch for ch in text if not cs._is_emoji(ch)) + "。" for text in said)  # print, no emoji
        passages.append({"side": "unknown", "text": paragraph, "time": "", "box": [0, 0, 0, 0]})
        chars_per_line = int((pw - 200 * u) / (31 * u))
        first = True
        for start in range(0, len(paragraph), chars_per_line):
            indent = 60 * u if first else 0
            draw.text((80 * u + indent, y), paragraph[start:start + chars_per_line - (2 if first else 0)], font=font,
                      fill=(40, 40, 40))
            first = False
            y += 48 * u
            if y > ph - 260 * u:
                break
        y += 24 * u
        if y > ph - 260 * u:
            break
    stamp_x, stamp_y = pw * 0.7, ph - 170 * u  # a red seal
    draw.ellipse((stamp_x - 100 * u, stamp_y - 100 * u, stamp_x + 100 * u, stamp_y + 100 * u), outline=(200, 40, 40),
                 width=round(8 * u))
    draw.regular_polygon((stamp_x, stamp_y, 34 * u), 5, rotation=rng.randrange(360), fill=(200, 40, 40))
    # lay it on the table, turned and in perspective: the quad's corners land off the square
    angle = math.radians(rng.uniform(-6, 6))
    cx, cy = width / 2 + rng.uniform(-0.05, 0.05) * width, height / 2 + rng.uniform(-0.04, 0.04) * height
    corners = []
    for dx, dy in ((-1, -1), (-1, 1), (1, 1), (1, -1)):  # QUAD wants upper-left, lower-left, lower-right, upper-right
        x, y = dx * pw / 2 * (1 + 0.04 * dy * rng.random()), dy * ph / 2
        corners.append((cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle)))
    # Image.transform maps output to input: warp the table-sized canvas so that the paper fills the quad.
    flat = Image.new("RGB", (width, height))
    flat.paste(paper.resize((width, height), Image.Resampling.BICUBIC))
    mask_flat = Image.new("L", (width, height), 255)
    coeffs = _perspective(corners, [(0, 0), (0, height), (width, height), (width, 0)])
    warped = flat.transform((width, height), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    mask = mask_flat.transform((width, height), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
    shadow = mask.filter(ImageFilter.GaussianBlur(max(width, height) / 80)).point(lambda v: v * 0.35)
    table = Image.composite(Image.new("RGB", (width, height), (30, 25, 20)), table, shadow)
    image = Image.composite(warped, table, mask)
    light = _gradient((width, height), (255, 250, 240), (120, 115, 110), radial=True)
    image = Image.blend(image, Image.composite(image, light, Image.new("L", (width, height), 170)), 0.35)
    image = image.filter(ImageFilter.GaussianBlur(0.8))  # the focus, and the phone's noise reduction
    return _grain(image, 3), {"title": "", "layout": "text", "passages": passages}


def _perspective(source: list[tuple], target: list[tuple]) -> list[float]:
    """The 8 coefficients PIL's PERSPECTIVE transform wants to map each source point to its target."""
    rows, values = [], []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values += [u, v]
    # Gaussian elimination on the 8x8 system, kept here to need nothing beyond Pillow.
    matrix = [row + [value] for row, value in zip(rows, values, strict=True)]
    for col in range(8):
        pivot = max(range(col, 8), key=lambda r: abs(matrix[r][col]))
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        for r in range(8):
            if r != col:
                factor = matrix[r][col] / matrix[col][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[col], strict=True)]
    return [matrix[i][8] / matrix[i][i] for i in range(8)]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the benchmark's phone-like pictures and print their sizes.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(size_table(make_pictures(args.out, args.count, args.seed)))
