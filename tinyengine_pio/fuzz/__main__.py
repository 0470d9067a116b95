"""python -m tinyengine_pio.fuzz {models|serial} ..."""
from __future__ import annotations

import sys

USAGE = "usage: python -m tinyengine_pio.fuzz {models|serial} [options]   (--help for each)"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("models", "serial"):
        print(USAGE, file=sys.stderr)
        return 2
    if argv[0] == "models":
        from .models import main as run
    else:
        from .serial import main as run
    return run(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
