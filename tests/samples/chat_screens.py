"""WeChat-like chat screenshots as a phone saves them, generated from a seed, with what was drawn.

    from tests.samples.chat_screens import chat_screen
    screen = chat_screen(7)                      # 1080×2400 PNG, theme and contents from the seed
    screen = chat_screen(7, theme="dark", noise="resize+jpeg", english=True)
    screen.data, screen.title, screen.passages   # bytes; ground truth

    .venv/bin/python tests/samples/chat_screens.py OUT_DIR [--count 10]   # pictures + truth JSON

What a screen holds, top to bottom: an Android status bar (clock on the left; signal bars, an
optional "5G", Wi-Fi fan and battery with its percentage on the right); the title bar (a back
chevron, the contact's name centred, "···"); the chat, anchored at the bottom as a chat that is
scrolled to its newest message, sometimes with the top bubble cut by the title bar (only its
wholly visible lines count); the input bar (voice icon, empty text field, emoji and plus icons)
over a gesture-navigation strip. Messages wrap inside bubbles at about 65 % of the screen's
width, Chinese between any two characters (no closing punctuation at a line's start), English
between words. Time separators are small grey text centred without a bubble.

Light theme: page #EDEDED, the other side's white bubbles on the left after a square avatar,
the owner's green #95EC69 bubbles on the right before their avatar, text #191919. Dark theme:
page #111111, the other side's bubbles #2C2C2C with #D5D5D5 text, the owner's #3EB575 with
#111111 text. Sizes are WeChat's dp measures at a density of 2.75 (1080 px wide), with a
little per-seed jitter of the font size (the app's font-size setting) and the bars' heights.

Emoji: drawn with Noto Color Emoji when /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf is
installed (it only renders at size 109, so each one is drawn there and scaled down). When it is
absent (as on the machine this was written on) each emoji is a stand-in: a yellow disc with
two eyes and a mouth at the size of a character, as WeChat's own yellow emoji look from afar.
Either way the ground truth keeps the emoji character, since that is what was sent.

Ground truth (`ChatScreen`): `title`; `passages` in reading order, each with `side` (theirs,
mine, time), `text` exactly as drawn (a wrapped message's lines joined back without the
breaks: the message as sent), `time` (the visible separator it sits under, "" if none is
visible) and `box` (the union of its drawn text, in pixels of the saved picture); `chat_top`
and `chat_bottom`, the rows between the title bar and the input bar. These pictures are
generated, not real phone screenshots: see tests/samples/README.md for what is observed and
what is guessed.
"""

import io
import json
import random
import sys
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SC = 2  # the Simplified Chinese face in the collection (0 is Japanese)
EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
HAS_EMOJI_FONT = Path(EMOJI_FONT).exists()

WIDTH, HEIGHT = 1080, 2400
THEIRS, MINE, TIME = "theirs", "mine", "time"
NOISES = ("none", "jpeg", "resize", "resize+jpeg")


@dataclass(frozen=True, slots=True)
class Theme:
    page: tuple[int, int, int]
    bar: tuple[int, int, int]  # status bar and title bar
    ink: tuple[int, int, int]  # title, status bar, icons
    theirs: tuple[int, int, int]
    theirs_text: tuple[int, int, int]
    mine: tuple[int, int, int]
    mine_text: tuple[int, int, int]
    time_text: tuple[int, int, int]
    input_bar: tuple[int, int, int]
    input_field: tuple[int, int, int]
    divider: tuple[int, int, int]


THEMES = {
    "light": Theme(page=(237, 237, 237), bar=(237, 237, 237), ink=(25, 25, 25), theirs=(255, 255, 255),
                   theirs_text=(25, 25, 25), mine=(149, 236, 105), mine_text=(25, 25, 25), time_text=(166, 166, 166),
                   input_bar=(247, 247, 247), input_field=(255, 255, 255), divider=(222, 222, 222)),
    "dark": Theme(page=(17, 17, 17), bar=(17, 17, 17), ink=(213, 213, 213), theirs=(44, 44, 44),
                  theirs_text=(213, 213, 213), mine=(62, 181, 117), mine_text=(17, 17, 17), time_text=(95, 95, 95),
                  input_bar=(30, 30, 30), input_field=(44, 44, 44), divider=(40, 40, 40)),
}


@dataclass(slots=True)
class Passage:
    side: str
    text: str
    time: str
    box: tuple[int, int, int, int]


@dataclass(slots=True)
class ChatScreen:
    seed: int
    data: bytes
    format: str  # "PNG" | "JPEG"
    width: int
    height: int
    theme: str
    noise: str
    english: bool
    title: str
    title_box: tuple[int, int, int, int]
    passages: list[Passage]
    chat_top: int  # rows [chat_top, chat_bottom) lie between the title bar and the input bar
    chat_bottom: int
    status_texts: list[str] = field(default_factory=list)  # drawn in the status bar, not part of the chat

    @property
    def mime(self) -> str:
        return "image/png" if self.format == "PNG" else "image/jpeg"

    def truth(self) -> dict:
        data = asdict(self)
        data.pop("data")
        return data


# --- what is said -------------------------------------------------------------------------------

TITLES_ZH = ["XX贷客服", "催收-王经理", "闪电借款-李专员", "安心花贷后管理", "张律师(法务部)", "速借宝客服中心",
             "贷后专员小刘", "催收部赵主管", "风控中心-陈", "好借钱回访"]
TITLES_EN = ["QuickCash Support", "Collections - Mike", "Recovery Dept", "LoanNow Agent", "Mr. Davis (Legal)"]
APPS = ["XX贷", "闪电借款", "安心花", "速借宝", "好借钱"]
NAMES = ["王经理", "李专员", "陈律师", "赵主管", "小刘"]
EMOJI = ["😡", "🙏", "😂", "👍", "😭", "💀", "🔪", "😊"]

THEIRS_ZH = [
    "再不还钱就通知你家人", "你这个老赖，欠钱不还还有脸不接电话？", "法院传票已经寄出，请注意查收",
    "律师函今天下午发到你单位，你自己看着办", "今天18点前还款{amount}元，否则我们爆你通讯录",
    "你的通讯录我们已经导出来了，你爸妈、同事一个都跑不了", "最后通知：您在{app}的借款已逾期{days}天，应还{amount}元，请立即处理",
    "回电 {hotline}，不回电后果自负", "我们已经安排外访人员明天上门，地址就是你身份证上的那个", "老赖就是老赖，全村都会知道你欠钱不还",
    "再装死我们就联系你老婆了", "这是第{n}次提醒，你的案件已提交法务部", "你欠的{amount}元今天必须结清，不然按诈骗上报",
    "给你一个小时考虑，过时不候", "你妈的电话是{mobile}吧？我们刚打过去了", "接电话！", "？", "还钱", "在吗",
    "法务部已受理，三个工作日内立案", "还款 {amount} 元", "回电 {hotline}", "我是{app}的{name}，你的账单今天到期",
    "不还钱就等着坐牢吧", "你同事的电话我们都有，要不要一个个打？", "明天上午十点前不处理，直接走司法程序",
    "逾期费每天{fee}元，越拖越多", "请于{date}前还款，逾期将上报征信", "别以为换号码就找不到你",
]
MINE_ZH = [
    "我下周一定还", "我现在真的没钱，能不能分期？", "请不要再联系我的家人，他们和这笔借款没有关系",
    "你们这样是违法的，我已经录音了", "我已经还了{amount}元，凭证发你了", "好的", "我会向金融监管部门投诉",
    "晚上十点以后请不要再打电话", "能把合同发我看一下吗", "本金{amount}，你们要我还{amount2}，利息太高了",
    "工资{date}发，到时候先还一部分", "不要骂人", "我没有不还，只是需要时间",
]
THEIRS_EN = [
    "Pay today or we will contact your employer", "Final notice: your loan of ${amount} is {days} days overdue.",
    "Call us back at {hotline_en} before 5 PM", "We know where you work.", "Your family will hear about this debt.",
    "Legal action has been filed. Expect a court summons.", "Stop ignoring our calls", "Pay ${amount} now.",
    "This is your last warning, deadbeat", "We have your contact list. Everyone will know.",
]
MINE_EN = [
    "I will pay next Friday.", "Please stop calling my mother.", "I dispute this debt. Send me the validation notice.",
    "OK", "I paid ${amount} already, check the receipt.", "Do not contact me after 9 PM.",
]


def _say(rng: random.Random, template: str) -> str:
    amount = rng.choice([f"{rng.randrange(1, 40)},{rng.randrange(1000):03d}", f"{rng.randrange(200, 999)}",
                         f"{rng.randrange(1, 20)},{rng.randrange(1000):03d}.00", f"{rng.randrange(100, 9999)}.{rng.randrange(100):02d}"])
    values = {
        "amount": amount, "amount2": f"{rng.randrange(20, 60)},{rng.randrange(1000):03d}",
        "days": rng.randrange(3, 200), "n": rng.randrange(2, 30), "fee": rng.randrange(20, 300),
        "hotline": rng.choice(["400-820-8820", "400-618-5599", "021-6088 3721", "0755-2345 6789"]),
        "hotline_en": rng.choice(["1-800-555-0199", "(212) 555-0147", "+1 646 555 0123"]),
        "mobile": f"1{rng.choice('3578')}{rng.randrange(10)} {rng.randrange(10000):04d} {rng.randrange(10000):04d}",
        "app": rng.choice(APPS), "name": rng.choice(NAMES),
        "date": rng.choice([f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日", f"2026-0{rng.randrange(1, 10)}-{rng.randrange(10, 29)}"]),
    }
    text = template.format(**values)
    if rng.random() < 0.15:  # an emoji at the end, or two, or in front
        emoji = rng.choice(EMOJI)
        text = rng.choice([text + emoji, text + emoji * 2, emoji + text])
    return text


def _message(rng: random.Random, side: str, english: bool) -> str:
    if side == THEIRS:
        pool = THEIRS_EN if english or rng.random() < 0.08 else THEIRS_ZH
    else:
        pool = MINE_EN if english or rng.random() < 0.05 else MINE_ZH
    return _say(rng, rng.choice(pool))


_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _clock(at: datetime, twelve: bool, english: bool) -> str:
    if not twelve:
        return f"{at:%H:%M}"
    hour = at.hour % 12 or 12
    if english:
        return f"{hour}:{at:%M} {'AM' if at.hour < 12 else 'PM'}"
    part = "上午" if at.hour < 12 else "下午"
    return f"{part}{hour}:{at:%M}"


def _time_label(at: datetime, now: datetime, twelve: bool, english: bool) -> str:
    """As WeChat labels a time: the clock today, 昨天 / a weekday this week, else the date."""
    days = (now.date() - at.date()).days
    clock = _clock(at, twelve, english)
    if days == 0:
        return clock
    if english:
        if days == 1:
            return f"Yesterday {clock}"
        if days < 7:
            return f"{_WEEKDAYS_EN[at.weekday()]} {clock}"
        return f"{_MONTHS_EN[at.month - 1]} {at.day}, {at.year} {clock}"
    if days == 1:
        return f"昨天 {clock}"
    if days < 7:
        return f"星期{_WEEKDAYS_ZH[at.weekday()]} {clock}"
    if at.year == now.year:
        return f"{at.month}月{at.day}日 {clock}"
    return f"{at.year}年{at.month}月{at.day}日 {clock}"


def _conversation(rng: random.Random, now: datetime, english: bool, twelve: bool) -> list[tuple[str, str]]:
    """(side, text) items, oldest first, ending at `now`: bursts of messages under a time separator."""
    bursts = []
    at = now - timedelta(minutes=rng.randrange(0, 20))
    for _ in range(rng.randrange(5, 9)):
        burst = []
        for _ in range(rng.randrange(1, 5)):
            burst.append((THEIRS if rng.random() < 0.72 else MINE, None))
        bursts.append((at, burst))
        at -= rng.choice([timedelta(minutes=rng.randrange(6, 90)), timedelta(hours=rng.randrange(2, 30)),
                          timedelta(days=rng.randrange(1, 12), minutes=rng.randrange(600))])
    items = []
    for at, burst in reversed(bursts):
        items.append((TIME, _time_label(at, now, twelve, english)))
        items += [(side, _message(rng, side, english)) for side, _ in burst]
    return items


# --- drawing ------------------------------------------------------------------------------------

def _is_emoji(char: str) -> bool:
    return ord(char) >= 0x1F000


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF" or _is_emoji(char)


_NO_LINE_START = set("，。！？、；：）》」』】…,.!?;:)%")


def _tokens(text: str) -> list[str]:
    """Wrap units: one CJK character or emoji, or a Latin word with the spaces after it."""
    out: list[str] = []
    for char in text:
        if _is_wide(char) or not out or _is_wide(out[-1][-1]):
            out.append(char)
        elif char == " " or out[-1][-1] != " ":
            out[-1] += char
        else:
            out.append(char)
    return out


class _Painter:
    def __init__(self, image: Image.Image, size: int):
        self.image, self.draw, self.size = image, ImageDraw.Draw(image), size
        self.font = ImageFont.truetype(CJK_FONT, size, index=SC)
        self.emoji_font = ImageFont.truetype(EMOJI_FONT, 109) if HAS_EMOJI_FONT else None

    def width(self, text: str) -> float:
        total = 0.0
        for run, emoji in _runs(text):
            total += len(run) * self.size * 1.12 if emoji else self.font.getlength(run)
        return total

    def wrap(self, text: str, limit: float) -> list[str]:
        """Segments of text, one per line, that concatenate back to text exactly."""
        lines, current = [], ""
        for token in _tokens(text):
            if current and self.width((current + token).rstrip()) > limit and token[0] not in _NO_LINE_START:
                lines.append(current)
                current = ""
            if not current and self.width(token.rstrip()) > limit:  # one word wider than a line
                for char in token:
                    if current and self.width(current + char) > limit:
                        lines.append(current)
                        current = ""
                    current += char
                continue
            current += token
        if current:
            lines.append(current)
        return lines

    def text(self, x: float, baseline: float, text: str, fill) -> tuple[int, int, int, int]:
        """Draw text (with emoji) from x on a baseline; the box of what was drawn."""
        box = None
        for run, emoji in _runs(text.rstrip()):
            if emoji:
                for char in run:
                    part = self._emoji(char, x, baseline)
                    box = part if box is None else _union(box, part)
                    x += self.size * 1.12
            else:
                self.draw.text((x, baseline), run, font=self.font, fill=fill, anchor="ls")
                part = self.draw.textbbox((x, baseline), run, font=self.font, anchor="ls")
                if part[2] > part[0]:
                    box = part if box is None else _union(box, part)
                x += self.font.getlength(run)
        return tuple(int(round(v)) for v in box) if box else (int(x), int(baseline), int(x), int(baseline))

    def _emoji(self, char: str, x: float, baseline: float) -> tuple[int, int, int, int]:
        side = round(self.size * 1.06)
        left, top = round(x + self.size * 0.03), round(baseline - self.size * 0.9)
        if self.emoji_font is not None:
            tile = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
            ImageDraw.Draw(tile).text((16, 16), char, font=self.emoji_font, embedded_color=True)
            crop = tile.getbbox()
            if crop:
                tile = tile.crop(crop).resize((side, side), Image.Resampling.LANCZOS)
                self.image.paste(tile, (left, top), tile)
                return (left, top, left + side, top + side)
        # The stand-in: a yellow face.
        d = self.draw
        d.ellipse((left, top, left + side, top + side), fill=(255, 200, 61), outline=(226, 160, 20), width=2)
        eye = max(side // 10, 2)
        for ex in (left + side * 0.33, left + side * 0.67):
            d.ellipse((ex - eye, top + side * 0.36 - eye, ex + eye, top + side * 0.36 + eye), fill=(90, 55, 20))
        d.arc((left + side * 0.25, top + side * 0.38, left + side * 0.75, top + side * 0.78), 20, 160,
              fill=(90, 55, 20), width=max(side // 16, 2))
        return (left, top, left + side, top + side)


def _runs(text: str) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []
    for char in text:
        emoji = _is_emoji(char)
        if runs and runs[-1][1] == emoji:
            runs[-1] = (runs[-1][0] + char, emoji)
        else:
            runs.append((char, emoji))
    return runs


def _union(a, b):
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _avatar(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]) -> None:
    """A photo-like square: a two-tone ground and a head-and-shoulders or a blob, rounded corners."""
    x0, y0, x1, y1 = box
    size = x1 - x0
    ground = tuple(rng.randrange(40, 230) for _ in range(3))
    draw.rounded_rectangle(box, radius=max(size // 14, 3), fill=ground)
    draw.rectangle((x0 + 3, y0 + size * 0.55, x1 - 3, y1 - 3), fill=tuple(max(c - 40, 0) for c in ground))
    figure = tuple(rng.randrange(0, 256) for _ in range(3))
    if rng.random() < 0.6:
        draw.ellipse((x0 + size * 0.32, y0 + size * 0.18, x0 + size * 0.68, y0 + size * 0.54), fill=figure)
        draw.pieslice((x0 + size * 0.15, y0 + size * 0.58, x0 + size * 0.85, y0 + size * 1.25), 180, 360, fill=figure)
    else:
        draw.ellipse((x0 + size * rng.uniform(0.1, 0.4), y0 + size * rng.uniform(0.1, 0.4),
                      x0 + size * rng.uniform(0.6, 0.9), y0 + size * rng.uniform(0.6, 0.9)), fill=figure)


def _status_bar(draw, s: float, width: int, height: int, theme: Theme, rng: random.Random, clock: str) -> list[str]:
    ink = theme.ink
    font = ImageFont.truetype(CJK_BOLD, round(38 * s), index=SC)
    small = ImageFont.truetype(CJK_BOLD, round(26 * s), index=SC)
    middle = height / 2
    draw.text((52 * s, middle), clock, font=font, fill=ink, anchor="lm")
    texts = [clock]
    x = width - 52 * s
    # battery: outline, level, nub; the percentage beside it
    level = rng.randrange(8, 100)
    bw, bh = 52 * s, 26 * s
    draw.rectangle((x - 4 * s, middle - 6 * s, x, middle + 6 * s), fill=ink)
    x -= 4 * s
    draw.rounded_rectangle((x - bw, middle - bh / 2, x, middle + bh / 2), radius=5 * s, outline=ink, width=max(round(2.5 * s), 1))
    draw.rectangle((x - bw + 5 * s, middle - bh / 2 + 5 * s, x - bw + 5 * s + (bw - 10 * s) * level / 100,
                    middle + bh / 2 - 5 * s), fill=ink)
    x -= bw + 10 * s
    draw.text((x, middle), str(level), font=font, fill=ink, anchor="rm")
    texts.append(str(level))
    x -= font.getlength(str(level)) + 22 * s
    # Wi-Fi: three arcs and a dot
    cx, cy = x - 22 * s, middle + 14 * s
    for r in (10, 20, 30):
        draw.arc((cx - r * s, cy - r * s, cx + r * s, cy + r * s), 225, 315, fill=ink, width=max(round(5 * s), 1))
    draw.ellipse((cx - 4 * s, cy - 6 * s, cx + 4 * s, cy + 2 * s), fill=ink)
    x -= 60 * s
    # signal: four bars, and the network type above-left of them on some phones
    for i in range(4):
        bar_h = (8 + 6 * i) * s
        left = x - (4 - i) * 10 * s
        draw.rectangle((left, middle + 14 * s - bar_h, left + 6 * s, middle + 14 * s), fill=ink if i < 3 or level > 30 else theme.divider)
    if rng.random() < 0.5:
        draw.text((x - 46 * s, middle - 2 * s), "5G", font=small, fill=ink, anchor="rm")
        texts.append("5G")
    return texts


def _title_bar(draw, s: float, width: int, top: float, bottom: float, theme: Theme, title: str):
    middle = (top + bottom) / 2
    stroke = max(round(4 * s), 1)
    draw.line([(64 * s, middle - 24 * s), (40 * s, middle), (64 * s, middle + 24 * s)], fill=theme.ink, width=stroke)
    for i in range(3):
        cx = width - 48 * s - i * 20 * s
        draw.ellipse((cx - 5 * s, middle - 5 * s, cx + 5 * s, middle + 5 * s), fill=theme.ink)
    font = ImageFont.truetype(CJK_BOLD, round(48 * s), index=SC)
    draw.text((width / 2, middle), title, font=font, fill=theme.ink, anchor="mm")
    box = draw.textbbox((width / 2, middle), title, font=font, anchor="mm")
    return tuple(int(v) for v in box)


def _input_bar(draw, s: float, width: int, height: int, top: float, theme: Theme) -> None:
    draw.rectangle((0, top, width, height), fill=theme.input_bar)
    draw.line([(0, top), (width, top)], fill=theme.divider, width=max(round(2 * s), 1))
    bar_h = 154 * s
    middle = top + bar_h / 2
    stroke = max(round(3.5 * s), 1)
    r = 34 * s
    for cx in (56 * s, width - 160 * s, width - 56 * s):
        draw.ellipse((cx - r, middle - r, cx + r, middle + r), outline=theme.ink, width=stroke)
    voice = 56 * s  # the voice icon's sound waves
    for rr in (8, 16):
        draw.arc((voice - rr * s, middle - rr * s, voice + rr * s, middle + rr * s), 300, 60, fill=theme.ink, width=stroke)
    smile = width - 160 * s
    draw.arc((smile - 16 * s, middle - 10 * s, smile + 16 * s, middle + 16 * s), 20, 160, fill=theme.ink, width=stroke)
    for ex in (smile - 10 * s, smile + 10 * s):
        draw.ellipse((ex - 3 * s, middle - 10 * s, ex + 3 * s, middle - 4 * s), fill=theme.ink)
    plus = width - 56 * s
    draw.line([(plus - 16 * s, middle), (plus + 16 * s, middle)], fill=theme.ink, width=stroke)
    draw.line([(plus, middle - 16 * s), (plus, middle + 16 * s)], fill=theme.ink, width=stroke)
    draw.rounded_rectangle((112 * s, middle - 50 * s, width - 216 * s, middle + 50 * s), radius=10 * s, fill=theme.input_field)
    # the gesture navigation strip's handle
    handle_y = height - 22 * s
    draw.rounded_rectangle((width / 2 - 120 * s, handle_y - 5 * s, width / 2 + 120 * s, handle_y + 5 * s), radius=5 * s,
                           fill=(120, 120, 120) if theme is THEMES["dark"] else (30, 30, 30))


@dataclass(slots=True)
class _Item:
    side: str
    text: str
    lines: list[str]
    height: float
    gap: float  # space above it


def chat_screen(seed: int, *, theme: str | None = None, noise: str | None = None, english: bool | None = None,
                width: int = WIDTH, height: int = HEIGHT) -> ChatScreen:
    """A screenshot and its ground truth; whatever is not given is drawn from the seed."""
    rng = random.Random(seed)
    theme = theme or rng.choices(["light", "dark"], [0.7, 0.3])[0]
    noise = noise or "none"
    if noise not in NOISES:
        raise ValueError(f"noise is one of {NOISES}")
    english = rng.random() < 0.15 if english is None else english
    colours = THEMES[theme]
    s = width / WIDTH
    size = round(rng.choice([44, 46, 47, 48, 50, 52]) * s)
    twelve = rng.random() < (0.5 if english else 0.25)
    now = datetime(2026, rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24), rng.randrange(60))
    title = rng.choice(TITLES_EN if english else TITLES_ZH)
    items_said = _conversation(rng, now, english, twelve)

    image = Image.new("RGB", (width, height), colours.page)
    painter = _Painter(image, size)
    draw = painter.draw
    time_font = ImageFont.truetype(CJK_FONT, round(size * 0.78), index=SC)

    status_h = round(rng.randrange(84, 112) * s)
    title_bottom = status_h + round(rng.randrange(138, 158) * s)
    input_top = height - round((154 + rng.choice([48, 54, 60])) * s)
    avatar = round(110 * s)
    margin, arrow_gap = round(33 * s), round(24 * s)
    pad_h = round(30 * s)
    line_h = round(size * 1.36)
    pad_v = max((avatar - line_h) / 2, 14 * s)
    max_text = width * 0.65 - 2 * pad_h
    msg_gap, time_gap = round(40 * s), round(52 * s)

    items: list[_Item] = []
    for side, said in items_said:
        if side == TIME:
            items.append(_Item(TIME, said, [said], round(size * 1.1), time_gap))
        else:
            lines = painter.wrap(said, max_text)
            items.append(_Item(side, said, lines, max(avatar, len(lines) * line_h + 2 * pad_v), msg_gap))
        if len(items) > 1 and items[-2].side == TIME and side != TIME:
            items[-1].gap = time_gap

    # Anchor the newest item above the input bar; fit as many older ones as the chat area holds.
    area_top, area_bottom = title_bottom, input_top - round(rng.randrange(24, 48) * s)
    y = area_bottom
    first = len(items)
    while first > 0 and y - items[first - 1].height >= area_top + items[first - 1].gap * 0.5:
        first -= 1
        y -= items[first].height + items[first].gap
    tops: dict[int, float] = {}
    y = area_bottom
    for i in range(len(items) - 1, first - 1, -1):
        y -= items[i].height
        tops[i] = y
        y -= items[i].gap
    # Sometimes the bubble above is cut by the title bar: shift so the cut falls between its lines.
    cut = None
    if first > 0 and items[first - 1].side != TIME and rng.random() < 0.4:
        item = items[first - 1]
        top = y - item.height
        lines_top = top + pad_v
        gaps = [lines_top + k * line_h + line_h * 0.05 for k in range(1, len(item.lines))]  # between lines
        gaps.append(top + item.height - pad_v * 0.4)  # in the bottom padding
        visible = [k for k in range(len(gaps)) if gaps[k] > area_top]
        if visible:
            k = rng.choice(visible[:2])
            shift = gaps[k] - area_top
            if shift < 70 * s:
                tops = {i: t - shift for i, t in tops.items()}
                tops[first - 1] = top - shift
                cut = k + 1  # the lines of that bubble from index `cut` on are visible
                first -= 1

    passages: list[Passage] = []
    time_shown = ""
    for i in range(first, len(items)):
        item, top = items[i], tops[i]
        if item.side == TIME:
            baseline = top + item.height / 2 + time_font.size * 0.36
            draw.text((width / 2, baseline), item.text, font=time_font, fill=colours.time_text, anchor="ms")
            box = tuple(int(v) for v in draw.textbbox((width / 2, baseline), item.text, font=time_font, anchor="ms"))
            time_shown = item.text
            passages.append(Passage(TIME, item.text, item.text, box))
            continue
        text_w = max(painter.width(line.rstrip()) for line in item.lines)
        bubble_w = max(text_w + 2 * pad_h, avatar * 0.9)
        mine = item.side == MINE
        avatar_x = width - margin - avatar if mine else margin
        bx0 = avatar_x - arrow_gap - bubble_w if mine else margin + avatar + arrow_gap
        fill, ink = (colours.mine, colours.mine_text) if mine else (colours.theirs, colours.theirs_text)
        _avatar(draw, rng, (avatar_x, round(top), avatar_x + avatar, round(top) + avatar))
        draw.rounded_rectangle((bx0, top, bx0 + bubble_w, top + item.height), radius=round(11 * s), fill=fill)
        tip_y, tip = top + avatar / 2, 13 * s
        if mine:
            draw.polygon([(bx0 + bubble_w - 1, tip_y - tip), (bx0 + bubble_w + tip, tip_y), (bx0 + bubble_w - 1, tip_y + tip)], fill=fill)
        else:
            draw.polygon([(bx0 + 1, tip_y - tip), (bx0 - tip, tip_y), (bx0 + 1, tip_y + tip)], fill=fill)
        box, shown = None, ""
        for k, line in enumerate(item.lines):
            baseline = top + pad_v + k * line_h + line_h / 2 + size * 0.36
            part = painter.text(bx0 + pad_h, baseline, line, ink)
            if cut is None or i != first or k >= cut:
                box = part if box is None else _union(box, part)
                shown += line
        if box is not None:  # a bubble cut in its bottom padding shows no text
            passages.append(Passage(item.side, shown if i == first and cut is not None else item.text, time_shown, box))

    # The bars are drawn last, over whatever scrolled under them.
    draw.rectangle((0, 0, width, title_bottom), fill=colours.bar)
    status_clock = f"{now.hour % 12 or 12}:{now:%M}" if twelve else f"{now:%H:%M}"  # no AM/PM in the status bar
    status_texts = _status_bar(draw, s, width, status_h, colours, rng, status_clock)
    title_box = _title_bar(draw, s, width, status_h, title_bottom, colours, title)
    _input_bar(draw, s, width, height, input_top, colours)

    chat_top, chat_bottom = title_bottom, input_top
    if noise.startswith("resize"):
        factor = 720 / width
        image = image.resize((720, round(height * factor)), Image.Resampling.LANCZOS)
        scale = lambda box: tuple(int(round(v * factor)) for v in box)  # noqa: E731
        passages = [Passage(p.side, p.text, p.time, scale(p.box)) for p in passages]
        title_box, chat_top, chat_bottom = scale(title_box), round(chat_top * factor), round(chat_bottom * factor)
    out = io.BytesIO()
    fmt = "JPEG" if noise.endswith("jpeg") else "PNG"
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=85)
    else:
        image.save(out, "PNG", compress_level=6)
    return ChatScreen(seed=seed, data=out.getvalue(), format=fmt, width=image.width, height=image.height, theme=theme,
                      noise=noise, english=english, title=title, title_box=title_box, passages=passages,
                      chat_top=chat_top, chat_bottom=chat_bottom, status_texts=status_texts)


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Write generated chat screenshots and their truth JSON.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--theme", choices=sorted(THEMES))
    parser.add_argument("--noise", choices=NOISES)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.seed, args.seed + args.count):
        screen = chat_screen(seed, theme=args.theme, noise=args.noise)
        stem = args.out / f"chat-{seed:04d}"
        stem.with_suffix(".png" if screen.format == "PNG" else ".jpg").write_bytes(screen.data)
        stem.with_suffix(".json").write_text(json.dumps(screen.truth(), ensure_ascii=False, indent=1))
        print(stem, screen.theme, screen.noise, len(screen.passages), "passages")


if __name__ == "__main__":
    main(sys.argv[1:])
