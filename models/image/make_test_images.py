"""Generates the benign test images under tests/fixtures/images/ (deterministic, no downloads).

Every image is drawn here from numpy noise, gradients, shapes and DejaVu text (the fonts are
only used to rasterise words; nothing of the font file is stored). Varied on purpose: sizes
from 17x31 to 1280x960, portrait/landscape/square, RGB and RGBA, PNG, JPEG and WebP, smooth
and high-frequency content. Licence of the generated images: CC0 (made by this script).

    python -m models.image.make_test_images
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "images")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def font(size):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def gradient(w, h, c0, c1, horizontal=True):
    t = np.linspace(0, 1, w if horizontal else h, dtype=np.float32)
    t = t[None, :, None] if horizontal else t[:, None, None]
    a = np.array(c0, np.float32) * (1 - t) + np.array(c1, np.float32) * t
    return Image.fromarray(np.broadcast_to(a, (h, w, 3)).astype(np.uint8))


def images(rng):
    yield "gradient_h.png", gradient(320, 240, (0, 40, 200), (250, 200, 0))
    yield "gradient_v.png", gradient(200, 400, (10, 120, 30), (240, 240, 255), horizontal=False)
    yield "noise_rgb.png", Image.fromarray(rng.integers(0, 256, (224, 224, 3), dtype=np.uint8))
    yield "noise_gray.png", Image.fromarray(rng.integers(0, 256, (300, 500), dtype=np.uint8)).convert("RGB")
    yield "blurred_noise.jpg", Image.fromarray(
        rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)).filter(ImageFilter.GaussianBlur(6))
    yield "solid_black.png", Image.new("RGB", (64, 64), (0, 0, 0))
    yield "solid_white.png", Image.new("RGB", (256, 256), (255, 255, 255))
    yield "tiny_17x31.png", Image.fromarray(rng.integers(0, 256, (31, 17, 3), dtype=np.uint8))
    yield "one_pixel.png", Image.new("RGB", (1, 1), (200, 100, 50))
    im = Image.new("RGB", (400, 300), (240, 240, 230))
    d = ImageDraw.Draw(im)
    for i in range(12):
        x, y = rng.integers(0, 360), rng.integers(0, 260)
        d.ellipse([x, y, x + rng.integers(10, 120), y + rng.integers(10, 120)],
                  fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    yield "circles.png", im
    im = Image.new("RGB", (512, 512), (30, 30, 60))
    d = ImageDraw.Draw(im)
    for i in range(20):
        x, y = rng.integers(0, 480, 2)
        d.rectangle([x, y, x + rng.integers(8, 160), y + rng.integers(8, 160)],
                    outline=tuple(int(v) for v in rng.integers(0, 256, 3)), width=3)
    yield "rectangles.jpg", im
    im = Image.new("RGB", (640, 200), (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.text((20, 60), "The quick brown fox jumps", fill=(0, 0, 0), font=font(44))
    yield "text_black_on_white.png", im
    im = Image.new("RGB", (300, 600), (20, 20, 20))
    d = ImageDraw.Draw(im)
    for i, line in enumerate(["parapet", "safety", "guard", "images", "0123456789"]):
        d.text((10, 20 + 110 * i), line, fill=(255, 220, 0), font=font(56))
    yield "text_portrait.webp", im
    c = np.indices((480, 480)).sum(axis=0) // 40 % 2
    yield "checkerboard.png", Image.fromarray((c * 255).astype(np.uint8)).convert("RGB")
    y, x = np.mgrid[0:360, 0:360].astype(np.float32)
    r = np.hypot(x - 180, y - 180)
    a = np.stack([128 + 127 * np.sin(r / 6), 128 + 127 * np.cos(r / 11), 255 - r / 2], -1)
    yield "rings.png", Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    a = np.zeros((300, 300, 4), np.uint8)
    a[..., 0], a[..., 1], a[..., 2] = 200, 60, 90
    a[..., 3] = np.linspace(0, 255, 300, dtype=np.uint8)[None, :]
    yield "rgba_alpha_ramp.png", Image.fromarray(a, "RGBA")
    im = Image.new("RGBA", (256, 128), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse([20, 10, 236, 118], fill=(30, 160, 60, 255))
    yield "rgba_transparent.png", im
    # A landscape-ish scene: sky gradient, sun, hills.
    im = gradient(1280, 960, (90, 160, 235), (200, 230, 255), horizontal=False)
    d = ImageDraw.Draw(im)
    d.ellipse([1000, 80, 1160, 240], fill=(255, 230, 120))
    for k, col in enumerate([(60, 120, 50), (40, 95, 40), (30, 70, 30)]):
        xs = np.arange(0, 1281, 20)
        ys = 600 + 80 * k + 60 * np.sin(xs / (150 + 40 * k) + k)
        d.polygon(list(zip(xs.tolist(), ys.tolist())) + [(1280, 960), (0, 960)], fill=col)
    yield "landscape.jpg", im
    im = Image.new("RGB", (500, 350), (250, 250, 250))
    d = ImageDraw.Draw(im)
    vals = rng.integers(20, 300, 8)
    for i, v in enumerate(vals):
        d.rectangle([30 + 58 * i, 330 - int(v), 70 + 58 * i, 330], fill=(70, 110, 200))
    d.line([20, 330, 490, 330], fill=(0, 0, 0), width=2)
    yield "bar_chart.webp", im
    a = np.zeros((200, 800, 3), np.uint8)
    for i in range(8):
        a[:, i * 100:(i + 1) * 100] = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0),
                                         (0, 255, 255), (255, 0, 255), (128, 128, 128), (0, 0, 0)][i]
    yield "color_bars.png", Image.fromarray(a)
    a = rng.normal(128, 40, (240, 320, 3)).clip(0, 255).astype(np.uint8)
    yield "gaussian_noise.jpg", Image.fromarray(a)
    im = Image.new("RGB", (333, 777), (200, 180, 160))
    d = ImageDraw.Draw(im)
    for i in range(0, 777, 15):
        d.line([0, i, 333, (i * 3) % 777], fill=(90, 60, 40), width=2)
    yield "wood_lines_odd_size.png", im


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261130)
    names = []
    for name, im in images(rng):
        path = os.path.join(OUT, name)
        if name.endswith(".jpg"):
            im.convert("RGB").save(path, quality=90)
        elif name.endswith(".webp"):
            im.save(path, lossless=True)
        else:
            im.save(path, optimize=True)
        names.append(name)
    print(f"{len(names)} images in {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
