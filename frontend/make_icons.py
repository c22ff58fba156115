"""Draw the phone app's icons with Pillow: `.venv/bin/python frontend/make_icons.py`.

Writes frontend/public/icons/:
  icon-192.png, icon-512.png          the app icon (a filing cabinet), purpose "any"
  maskable-512.png                    the same on a full-bleed square, the drawing inside the
                                      safe zone (the middle 80 %), purpose "maskable"
  notes-192.png, notes-512.png        the neutral "discreet mode" icon (a notepad)
Flat shapes in a few colours, saved as palette PNGs, so each file stays a few KB.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent / "public" / "icons"
BLUE, WHITE, DARK = (11, 83, 148), (255, 255, 255), (7, 50, 92)
PAPER, LINE, GREY = (250, 248, 240), (120, 130, 140), (96, 104, 112)
SCALE = 4  # draw large, then shrink: smooth edges without anti-aliasing support in ImageDraw


def _cabinet(draw: ImageDraw.ImageDraw, size: int, inset: float) -> None:
    """A three-drawer cabinet centred in a square of `size`, `inset` of it left free around."""
    left, top = size * (inset + 0.12), size * (inset + 0.06)
    right, bottom = size - left, size - top
    draw.rounded_rectangle((left, top, right, bottom), radius=size * 0.04, fill=WHITE)
    height = (bottom - top - size * 0.08) / 3
    for n in range(3):
        y = top + size * 0.02 + n * (height + size * 0.02)
        draw.rounded_rectangle((left + size * 0.04, y, right - size * 0.04, y + height),
                               radius=size * 0.02, fill=BLUE)
        mid, w = (left + right) / 2, size * 0.08
        draw.rounded_rectangle((mid - w, y + height * 0.35, mid + w, y + height * 0.55),
                               radius=size * 0.015, fill=WHITE)


def app_icon(size: int, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGB", (big, big), BLUE if maskable else WHITE)
    draw = ImageDraw.Draw(image)
    if not maskable:
        image.putalpha(0)
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.18, fill=BLUE)
    else:
        draw.rectangle((0, 0, big, big), fill=BLUE)
    _cabinet(draw, big, 0.1 if maskable else 0.04)
    return image.resize((size, size), Image.LANCZOS)


def notes_icon(size: int) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.18, fill=GREY)
    m = big * 0.2
    draw.rounded_rectangle((m, m * 0.8, big - m, big - m * 0.8), radius=big * 0.03, fill=PAPER)
    for n in range(5):
        y = m * 1.5 + n * big * 0.11
        draw.rectangle((m * 1.4, y, big - m * 1.4, y + big * 0.02), fill=LINE)
    return image.resize((size, size), Image.LANCZOS)


def save(image: Image.Image, name: str) -> None:
    """Palette PNG (with transparency kept when there is any): small files, same look."""
    if image.mode == "RGBA":
        image = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    else:
        image = image.quantize(colors=64)
    image.save(OUT / name, optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        save(app_icon(size, maskable=False), f"icon-{size}.png")
        save(notes_icon(size), f"notes-{size}.png")
    save(app_icon(512, maskable=True), "maskable-512.png")
    save(app_icon(192, maskable=True), "maskable-192.png")
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(OUT.parent.parent), path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
