"""Small WeChat-like chat screenshots for the text-recognition tests, with what was drawn.

Light-mode WeChat as a phone saves it: page #EDEDED, the other side's white bubbles on the left
after a square avatar, the owner's green (#95EC69) bubbles on the right, small grey time
separators centred, a title bar with the contact's name, the status-bar clock at the top.
"""

import io

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
PAGE, WHITE, GREEN = (237, 237, 237), (255, 255, 255), (149, 236, 105)


def chat_png(title: str, messages: list[tuple[str, str]], width: int = 1080, height: int = 2400) -> bytes:
    """messages: (side, text) with side theirs | mine | time, top to bottom; one line each."""
    image = Image.new("RGB", (width, height), PAGE)
    draw = ImageDraw.Draw(image)
    text, small = ImageFont.truetype(FONT, 46), ImageFont.truetype(FONT, 34)
    draw.text((40, 20), "22:41", font=small, fill=(0, 0, 0))  # the status bar's clock
    draw.rectangle((0, 100, width, 230), fill=(237, 237, 237))
    draw.text(((width - draw.textlength(title, font=text)) / 2, 135), title, font=text, fill=(0, 0, 0))
    y = 300
    for side, said in messages:
        if side == "time":
            draw.text(((width - draw.textlength(said, font=small)) / 2, y), said, font=small, fill=(150, 150, 150))
            y += 90
            continue
        w = draw.textlength(said, font=text)
        if side == "theirs":
            draw.rectangle((30, y, 140, y + 110), fill=(80, 120, 200))  # avatar
            draw.rounded_rectangle((165, y, 165 + w + 60, y + 100), 12, fill=WHITE)
            draw.text((195, y + 20), said, font=text, fill=(0, 0, 0))
        else:
            draw.rectangle((width - 140, y, width - 30, y + 110), fill=(200, 120, 80))
            draw.rounded_rectangle((width - 225 - w, y, width - 165, y + 100), 12, fill=GREEN)
            draw.text((width - 195 - w, y + 20), said, font=text, fill=(0, 0, 0))
        y += 150
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


THREATS = [
    ("time", "22:41"),
    ("theirs", "再不还钱就通知你家人"),
    ("theirs", "再不还就去你家找你"),
    ("theirs", "不还钱就等着判刑"),
    ("mine", "我下周一定还"),
    ("time", "昨天 23:05"),
    ("theirs", "你这个老赖等着坐牢吧"),
    ("theirs", "法院传票已经寄出"),
]
