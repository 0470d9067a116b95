"""The C kernel sources a generated model needs, flattened into the generated directory.

The package keeps them by instruction set (tinyengine_pio/kernels/):

    <stem>.h             one header per kernel stem, declaring all its variants
    portable/<stem>.c    plain C99 (the fallback of every op; holds the stem's building blocks)
    dsp/<stem>.c         Cortex-M DSP extension (TE_FAST builds)
    mve/<stem>.c         Helium (TE_MVE builds)
    {dsp,mve}/<stem>_*.h private headers of a stem's SIMD variants
    te_*.h, dsp/te_*.h   shared headers (te_common.h, te_isa.h, te_layouts.h, te_dsp.h, te_asm.h,
                         te_ring.h)

    float32/<stem>.{c,h} the float32 implementation of an operator (ops/float32/<stem>.py), a
                         kernel stem of its own, `<stem>_f32`, with its header
    float32/te_float.h   their shared float helpers (exp, log, activation clamps), no libm
    int16/<stem>.{c,h}   the int16x8 implementation (ops/int16/<stem>.py), kernel stem <stem>_s16
    int16/te_int16.h     their shared arithmetic (the int64 requantization)

and the generated directory is flat: <stem>.c, <stem>_dsp.c, <stem>_mve.c, <stem>_f32.c /
<stem>_f32.h. te_config.h is written by the emitter (it depends on --optimize), not copied from
here."""
from __future__ import annotations

from importlib import resources
from typing import Iterable

ISAS = ("portable", "dsp", "mve")
SHARED_HEADERS = ("te_common.h", "te_isa.h", "te_layouts.h", "dsp/te_dsp.h", "dsp/te_asm.h",
                  "dsp/te_ring.h")


def _root():
    return resources.files("tinyengine_pio").joinpath("kernels")


def _text(path: str) -> str:
    node = _root()
    for part in path.split("/"):
        node = node.joinpath(part)
    return node.read_text()


# data-type folders: kernel stem suffix -> folder holding <base>.c and <base>.h
DTYPE_DIRS = {"_f32": "float32", "_s16": "int16"}
DTYPE_HEADERS = {"_f32": ("float32/te_float.h",), "_s16": ("int16/te_int16.h",)}


def _dtype_dir(stem: str) -> tuple[str, str, str] | None:
    """(suffix, folder, base name) of a data-type kernel stem ('add_f32'), else None."""
    for suffix, folder in DTYPE_DIRS.items():
        if stem.endswith(suffix):
            return suffix, folder, stem[:-len(suffix)]
    return None


def _source_path(stem: str, isa: str) -> str:
    dt = _dtype_dir(stem)
    return f"{dt[1]}/{dt[2]}.c" if dt else f"{isa}/{stem}.c"


def _header_path(stem: str) -> str:
    dt = _dtype_dir(stem)
    return f"{dt[1]}/{dt[2]}.h" if dt else f"{stem}.h"


def stems() -> list[str]:
    """Every kernel stem (one portable/<stem>.c each, and float32/<base>.c as <base>_f32)."""
    found = [f.name[:-2] for f in _root().joinpath("portable").iterdir() if f.name.endswith(".c")]
    for suffix, folder in DTYPE_DIRS.items():
        found += [f.name[:-2] + suffix for f in _root().joinpath(folder).iterdir()
                  if f.name.endswith(".c")]
    return sorted(found)


def available_isas(stem: str) -> tuple[str, ...]:
    """The instruction sets `stem` has a kernel file for, portable first (a data-type stem has
    its portable one only)."""
    if _dtype_dir(stem):
        return ("portable",) if _root().joinpath(_source_path(stem, "portable")).is_file() else ()
    return tuple(isa for isa in ISAS if _root().joinpath(isa).joinpath(f"{stem}.c").is_file())


def generated_name(stem: str, isa: str) -> str:
    """The file name of a kernel source in the (flat) generated directory."""
    for suffix, folder in DTYPE_DIRS.items():
        if isa == folder:                       # float32/<stem>.c
            return f"{stem}{suffix}.c"
    return f"{stem}.c" if isa == "portable" else f"{stem}_{isa}.c"


def _private_headers(stem: str) -> list[str]:
    dt = _dtype_dir(stem)
    if dt:
        return list(DTYPE_HEADERS.get(dt[0], ()))
    return sorted(f"{isa}/{f.name}" for isa in ISAS[1:] for f in _root().joinpath(isa).iterdir()
                  if f.name.startswith(stem + "_") and f.name.endswith(".h"))


def kernel_files(uses: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{generated file name: text} for the (stem, isa) pairs a model uses: the shared headers,
    each stem's header and portable source, and the requested dsp / mve sources (with their
    private headers). Raises ValueError for an unknown stem, ISA, or a variant with no file."""
    files = {path.rsplit("/", 1)[-1]: _text(path) for path in SHARED_HEADERS}
    known = set(stems())
    for stem, isa in uses:
        if stem not in known or isa not in ISAS:
            raise ValueError(f"no kernel ({stem!r}, {isa!r}): stems {sorted(known)}, ISAs {ISAS}")
        if isa not in available_isas(stem):
            raise ValueError(f"kernel {stem!r} has no {isa} variant (has {available_isas(stem)})")
        files.setdefault(f"{stem}.h", _text(_header_path(stem)))
        files.setdefault(f"{stem}.c", _text(_source_path(stem, "portable")))
        if _dtype_dir(stem):
            for path in _private_headers(stem):
                files.setdefault(path.rsplit("/", 1)[-1], _text(path))
        elif isa != "portable":
            files.setdefault(generated_name(stem, isa), _text(f"{isa}/{stem}.c"))
            for path in _private_headers(stem):
                files.setdefault(path.rsplit("/", 1)[-1], _text(path))
    return files


def generated_names() -> set[str]:
    """Every file name kernel_files() can write, for any model (so a model prefix can avoid them)."""
    names = {path.rsplit("/", 1)[-1] for path in SHARED_HEADERS}
    for stem in stems():
        names.add(f"{stem}.h")
        names.update(generated_name(stem, isa) for isa in available_isas(stem))
        names.update(path.rsplit("/", 1)[-1] for path in _private_headers(stem))
    return names
