"""Replays the receipts `cargo bench --bench print` wrote to target/print-bench/
through python-escpos's Dummy printer, and compares byte counts with souk's.

Same content, same code page (CP858), same QR (firmware at 80 mm, image at
58 mm), same images for the Arabic names. python-escpos cannot shape Arabic,
so the CP864 receipts are not replayed.

    pip install python-escpos   # 3.1 used for the figures in the notes
    python3 benches/print_escpos.py
"""

import json
import pathlib
import sys

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

BENCH = pathlib.Path(__file__).resolve().parent.parent / "target" / "print-bench"


def image(op):
    data = bytes.fromhex(op["hex"])
    w, h = op["width"], op["height"]
    img = Image.new("1", (w, h), 1)
    row = w // 8
    for y in range(h):
        for x in range(w):
            if data[y * row + x // 8] & (0x80 >> (x % 8)):
                img.putpixel((x, y), 0)
    return img


def replay(doc):
    p = Dummy()
    # Its default profile has an unknown width and says so on every image.
    p.profile.profile_data["media"]["width"]["pixels"] = doc["dots"]
    p.hw("INIT")
    p.magic.force_encoding("CP858")
    for op in doc["ops"]:
        kind = op["op"]
        if kind == "line":
            d = op["double"]
            p.set(align=op["align"], bold=op["bold"], double_width=d, double_height=d)
            p.text(op["text"] + "\n")
        elif kind == "qr":
            p.set(align="center")
            p.qr(
                op["payload"],
                ec=QR_ECLEVEL_M,
                size=doc["qr_module"],
                native=doc["firmware_qr"],
                center=False,
            )
        elif kind == "raster":
            p.set(align=op["align"])
            p.image(image(op), center=False)
        elif kind == "feed":
            p.print_and_feed(op["n"])
        elif kind == "cut":
            if doc["cutter"]:
                p.cut(mode="PART", feed=False)
            else:
                p.print_and_feed(4)
        elif kind == "drawer":
            p.cashdraw(2)
        elif kind == "arabic":
            return None
    return p.output


def image_bytes(b):
    """Bytes inside `GS v 0` images (headers included)."""
    total, i = 0, 0
    while (i := b.find(b"\x1dv0", i)) >= 0:
        n = 8 + (b[i + 4] | b[i + 5] << 8) * (b[i + 6] | b[i + 7] << 8)
        total, i = total + n, i + n
    return total


def main():
    files = sorted(BENCH.glob("*.json"))
    if not files:
        sys.exit("lancer d'abord : cargo bench --bench print")
    # "text": everything but images (the 58 mm QR image differs: python-escpos
    # draws its own, with another quiet zone).
    print(
        f"{'receipt':<22} {'souk':>6} {'escpos':>6} {'ratio':>6}"
        f" {'souk text':>9} {'escpos text':>11} {'ratio':>6}"
    )
    for f in files:
        out = replay(json.loads(f.read_text()))
        if out is None:
            continue
        ours = f.with_suffix(".bin").read_bytes()
        a, b = len(ours), len(out)
        ta, tb = a - image_bytes(ours), b - image_bytes(out)
        print(f"{f.stem:<22} {a:>6} {b:>6} {b / a:>6.3f} {ta:>9} {tb:>11} {tb / ta:>6.3f}")
        f.with_suffix(".escpos.bin").write_bytes(out)


if __name__ == "__main__":
    main()
