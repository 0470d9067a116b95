"""The tinyengine-qemu board JSONs (``platform/boards/*.json``) read as data.

Facts about a board live in its JSON file only; the tables that need them are
derived here at run time: the Renode ``cpuType`` (``"renode"`` section, read
by ``harness/targets/renode.py``), the cores with an ISA feature
(``build.isa``: ``"dsp"``, ``"mve"``; ``costmodel.MVE_CPUS``) and the board
list of help texts (``bench --board``, ``tinyengine-pio setup``).

Standard library only (like ``platform/builder/qemu_cmdline.py``).
"""
from __future__ import annotations

import json
import os

from . import BOARDS_DIR

# ISA features of cores that no board JSON uses yet (the board JSONs give the rest,
# ``build.isa`` per ``build.cpu``): report --cpu accepts any core name, and a Cortex-M85
# runs the Helium kernels.  Drop an entry once a board with that core ships.
CPUS_WITHOUT_BOARD = {
    "cortex-m85": ("dsp", "mve"),
}


def board_ids(boards_dir: str = BOARDS_DIR) -> list[str]:
    """Ids of the board files, sorted (``mps2-an386``, ...)."""
    return sorted(f[:-5] for f in os.listdir(boards_dir) if f.endswith(".json"))


def load_board(board: str, boards_dir: str = BOARDS_DIR) -> dict:
    """The parsed JSON of one board; KeyError naming the known ids if there is none."""
    path = os.path.join(boards_dir, board + ".json")
    if not os.path.isfile(path):
        raise KeyError("unknown board %r (tinyengine-qemu boards: %s)"
                       % (board, ", ".join(board_ids(boards_dir))))
    with open(path, encoding="utf8") as fp:
        return json.load(fp)


def boards(boards_dir: str = BOARDS_DIR) -> dict[str, dict]:
    """id -> parsed JSON of every board."""
    return {b: load_board(b, boards_dir) for b in board_ids(boards_dir)}


def cpu_isa(boards_dir: str = BOARDS_DIR) -> dict[str, tuple[str, ...]]:
    """Core (``build.cpu``) -> its ISA features (``build.isa``, default none), from the board
    JSONs and, for cores without a board, :data:`CPUS_WITHOUT_BOARD`."""
    table, source = dict(CPUS_WITHOUT_BOARD), {}
    for board, cfg in boards(boards_dir).items():
        cpu, isa = cfg["build"]["cpu"], tuple(cfg["build"].get("isa", ()))
        if cpu in source and table[cpu] != isa:
            raise ValueError("boards %s and %s both have build.cpu %r but different build.isa"
                             " (%s vs %s)" % (source[cpu], board, cpu, table[cpu], isa))
        table[cpu], source[cpu] = isa, board
    return table


def cpus_with(feature: str, boards_dir: str = BOARDS_DIR) -> tuple[str, ...]:
    """The cores that have ``feature`` (``"dsp"``, ``"mve"``), sorted."""
    return tuple(sorted(c for c, isa in cpu_isa(boards_dir).items() if feature in isa))
