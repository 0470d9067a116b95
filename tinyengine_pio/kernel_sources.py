"""The C kernel sources a generated model needs, flattened into the generated directory.

The package keeps them by instruction set (tinyengine_pio/kernels/):

    <stem>.h             one header per kernel stem, declaring all its variants
    portable/<stem>.c    plain C99 (the fallback of every op; holds the stem's building blocks)
    dsp/<stem>.c         Cortex-M DSP extension (TE_FAST builds)
    mve/<stem>.c         Helium (TE_MVE builds)
    {dsp,mve}/<stem>_*.h private headers of a stem's SIMD variants
    te_*.h, dsp/te_*.h   shared headers (te_common.h, te_isa.h, te_layouts.h, te_dsp.h, te_asm.h)

and the generated directory is flat: <stem>.c, <stem>_dsp.c, <stem>_mve.c. te_config.h is
written by the emitter (it depends on --optimize), not copied from here."""
from __future__ import annotations

from importlib import resources
from typing import Iterable

ISAS = ("portable", "dsp", "mve")
SHARED_HEADERS = ("te_common.h", "te_isa.h", "te_layouts.h", "dsp/te_dsp.h", "dsp/te_asm.h")


def _root():
    return resources.files("tinyengine_pio").joinpath("kernels")


def _text(path: str) -> str:
    node = _root()
    for part in path.split("/"):
        node = node.joinpath(part)
    return node.read_text()


def stems() -> list[str]:
    """Every kernel stem (one portable/<stem>.c each)."""
    return sorted(f.name[:-2] for f in _root().joinpath("portable").iterdir()
                  if f.name.endswith(".c"))


def available_isas(stem: str) -> tuple[str, ...]:
    """The instruction sets `stem` has a kernel file for, portable first."""
    return tuple(isa for isa in ISAS if _root().joinpath(isa).joinpath(f"{stem}.c").is_file())


def generated_name(stem: str, isa: str) -> str:
    """The file name of a kernel source in the (flat) generated directory."""
    return f"{stem}.c" if isa == "portable" else f"{stem}_{isa}.c"


def _private_headers(stem: str) -> list[str]:
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
        files.setdefault(f"{stem}.h", _text(f"{stem}.h"))
        files.setdefault(f"{stem}.c", _text(f"portable/{stem}.c"))
        if isa != "portable":
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
