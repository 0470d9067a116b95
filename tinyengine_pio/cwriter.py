"""A small indenting writer for C source (no long string concatenation elsewhere)."""
from __future__ import annotations

from contextlib import contextmanager


class CWriter:
    def __init__(self, indent: str = "    "):
        self._lines: list[str] = []
        self._level = 0
        self._indent = indent

    def line(self, text: str = "") -> None:
        self._lines.append(self._indent * self._level + text if text else "")

    def lines(self, texts) -> None:
        for t in texts:
            self.line(t)

    @contextmanager
    def block(self, head: str, tail: str = "}"):
        self.line(head + " {")
        self._level += 1
        try:
            yield
        finally:
            self._level -= 1
            self.line(tail)

    @contextmanager
    def indented(self):
        """One level deeper for the lines written inside (an `} else {` branch's body)."""
        self._level += 1
        try:
            yield
        finally:
            self._level -= 1

    def call(self, func: str, *args) -> None:
        """`func(a, b, ...);` wrapped one argument group per line when long."""
        parts = [str(a) for a in args]
        flat = f"{func}({', '.join(parts)});"
        if len(flat) + len(self._indent) * self._level <= 100:
            self.line(flat)
            return
        self.line(f"{func}(")
        self._level += 2
        row = ""
        for i, p in enumerate(parts):
            piece = p + ("," if i < len(parts) - 1 else ");")
            if row and len(row) + len(piece) + 1 > 88:
                self.line(row)
                row = piece
            else:
                row = f"{row} {piece}" if row else piece
        self.line(row)
        self._level -= 2

    def text(self) -> str:
        return "\n".join(self._lines) + "\n"


def c_array_body(values, per_line: int = 16) -> list[str]:
    """Comma-separated initializer rows for an integer or float array."""
    vals = [_fmt(v) for v in values]
    return [", ".join(vals[i:i + per_line]) + ("," if i + per_line < len(vals) else "")
            for i in range(0, len(vals), per_line)]


def _fmt(v) -> str:
    if isinstance(v, float):
        if v != v:
            return "__builtin_nanf(\"\")"
        if v in (float("inf"), float("-inf")):
            return "__builtin_inff()" if v > 0 else "(-__builtin_inff())"
        return repr(v) + "f"
    v = int(v)
    if v == -(1 << 31):
        return "(-2147483647 - 1)"
    return str(v)
