"""The line camera's frames in numpy, exactly as src/main.c synthesizes them one row at a time.

Each frame is one shape (the six classes of ../platformio_shapes) seen by a 64x64 camera, drawn
procedurally with integer arithmetic only, so C and numpy give the same bytes: the firmware
never holds a frame (the model's streamed input asks for its rows), the tests rebuild the
frames here and run TFLM on them.  Coordinates are in half camera pixels: pixel (x, y) has its
centre at (2x + 1, 2y + 1); a shape is centred at (cx, cy) with half extent r (all half
pixels).  ``distance`` is an integer approximation of the distance (half pixels) from a pixel
centre to the shape's strokes; a pixel within STROKE is bright, plus a hashed texture.  The
model's 4x4 average pool makes the 16x16 grey image the shapes CNN was trained on.

    python sample_apps/platformio_linecam/scenes.py      # prints the frames and TFLM's answers
"""
from __future__ import annotations

import math
import os
import sys

import numpy as np

SIDE = 64           # camera pixels per row and rows per frame
STROKE = 6          # half pixels: strokes 1.5 pixels of the 16x16 image wide
CLASSES = ("circle", "square", "triangle", "plus", "cross", "line")
FAR = 1 << 20

# (class, cx, cy, r) in half pixels: the frames main.c scans, in this order
FRAMES = (
    (0, 64, 64, 40),       # circle, centred
    (1, 56, 68, 40),       # square, a little left
    (2, 68, 64, 48),       # triangle, apex up
    (3, 60, 60, 44),       # plus
    (4, 68, 68, 40),       # cross
    (5, 64, 64, 48),       # line, rising to the right
    (0, 48, 72, 32),       # small circle, bottom left
    (4, 76, 52, 36),       # small cross, top right
)


def distance(kind: int, x: int, y: int, r: int) -> int:
    """Integer distance (half pixels) from (x, y), relative to the centre, to the strokes of
    CLASSES[kind] with half extent r; numerators are never negative, so C's `/` and Python's
    `//` agree."""
    ax, ay = abs(x), abs(y)
    if kind == 0:                                    # circle of radius r
        return abs(math.isqrt(x * x + y * y) - r)
    if kind == 1:                                    # axis-aligned square outline
        return abs(max(ax, ay) - r)
    if kind == 2:                                    # apex (0, -r), base corners (+-7r/8, r/2)
        d = abs(2 * y - r) // 2 if 8 * ax <= 7 * r else FAR           # the base
        if -r <= y and 2 * y <= r:                   # the sides: 12|x| = 7(y + r), norm ~ 14
            d = min(d, abs(12 * ax - 7 * (y + r)) // 14)
        return d
    if kind == 3:                                    # plus: a horizontal and a vertical arm
        d = ay if ax <= r else FAR
        return min(d, ax if ay <= r else FAR)
    if kind == 4:                                    # cross: the diagonals, 1/sqrt(2) ~ 5/7
        s, t = abs(x + y), abs(x - y)
        d = t * 5 // 7 if s * 5 <= r * 10 else FAR
        return min(d, s * 5 // 7 if t * 5 <= r * 10 else FAR)
    # line along (2, -1) (rising to the right): distance |x + 2y| / sqrt(5) ~ 4/9
    along = abs(2 * x - y)                           # |projection| * sqrt(5)
    return abs(x + 2 * y) * 4 // 9 if along * 4 <= r * 9 else FAR


def pixel(frame: int, px: int, py: int) -> int:
    """The int8 pixel (scale 1/255, zero point -128, as the model's input) at column px, row
    py of a frame."""
    kind, cx, cy, r = FRAMES[frame]
    d = distance(kind, 2 * px + 1 - cx, 2 * py + 1 - cy, r)
    level = 220 if d <= STROKE else 0
    level += ((px * 73) ^ (py * 151 + frame * 199)) & 31      # texture: 0..31
    return min(level, 255) - 128


def row(frame: int, py: int) -> np.ndarray:
    """One scan line: SIDE int8 pixels."""
    return np.array([pixel(frame, px, py) for px in range(SIDE)], np.int8)


def frame_image(frame: int) -> np.ndarray:
    """A whole frame [1, 64, 64, 1] int8 (what the firmware never holds)."""
    return np.stack([row(frame, y) for y in range(SIDE)]).reshape(1, SIDE, SIDE, 1)


def shade(q: int) -> str:
    """The ASCII ramp of main.c."""
    return " .:-=+*#%@"[(int(q) + 128) * 10 // 256]


def preview(frame: int) -> list[str]:
    """The lines main.c prints while the rows arrive: every 4th row (y % 4 == 1), every 2nd
    pixel."""
    img = frame_image(frame).reshape(SIDE, SIDE)
    return ["  |" + "".join(shade(v) for v in img[y, ::2]) + "|" for y in range(1, SIDE, 4)]


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.normpath(os.path.join(here, "..", "..")))
    from tests.helpers.tflm import run_tflm_many
    with open(os.path.join(here, "model", "linecam.tflite"), "rb") as fp:
        model = fp.read()
    outs = run_tflm_many(model, [frame_image(k) for k in range(len(FRAMES))])
    for k, out in enumerate(outs):
        print("\n".join(preview(k)))
        scores = out[0].reshape(-1)
        top = int(np.argmax(scores))
        print(f"frame {k}: drawn {CLASSES[FRAMES[k][0]]}, TFLM {CLASSES[top]} "
              f"{(int(scores[top]) + 128) / 256:.2f} {scores.tolist()}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
