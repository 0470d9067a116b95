"""Kconfig of the fake Zephyr package: modules' Kconfig + a few Zephyr symbols, evaluated with
kconfiglib; writes config.cmake (CONFIG_* variables, the module list) and autoconf.h."""
import argparse
import os
import sys

import kconfiglib
import yaml

ZEPHYR_SYMBOLS = """
config MAIN_STACK_SIZE
\tint "main() stack size"
\tdefault 1024

config SRAM_SIZE
\tint "SRAM size in KiB (Zephyr: the devicetree's chosen zephyr,sram; 0 here: unknown)"
\tdefault 0
"""


def module_info(path):
    path = os.path.abspath(path)
    meta = os.path.join(path, "zephyr", "module.yml")
    with open(meta) as f:
        y = yaml.safe_load(f) or {}
    name = y.get("name") or os.path.basename(path)
    build = y.get("build") or {}
    cmake = os.path.join(path, build["cmake"]) if "cmake" in build else ""
    kconf = os.path.join(path, build["kconfig"]) if "kconfig" in build else ""
    return name, cmake, kconf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--modules", default="")
    ap.add_argument("--conf", action="append", default=[])
    a = ap.parse_args()
    mods = [module_info(m) for m in a.modules.split(";") if m.strip()]
    root = os.path.join(a.out, "Kconfig")
    with open(root, "w") as f:
        f.write('mainmenu "fake Zephyr"\n' + ZEPHYR_SYMBOLS)
        for _, _, kconf in mods:
            if kconf:
                f.write(f'source "{kconf}"\n')
    kconf = kconfiglib.Kconfig(root, warn_to_stderr=False)
    for c in a.conf:
        if os.path.exists(c):
            kconf.load_config(c, replace=False)
    for w in kconf.warnings:
        print("warning:", w, file=sys.stderr)
    kconf.write_autoconf(os.path.join(a.out, "autoconf.h"))
    kconf.write_config(os.path.join(a.out, ".config"))
    lines = []
    for sym in kconf.unique_defined_syms:
        v = sym.str_value
        if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            if v == "n":
                continue
            v = "y"
        esc = v.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'set(CONFIG_{sym.name} "{esc}")')
    lines.append("set(_ZF_MODULES " + " ".join(f'"{n}|{c}"' for n, c, _ in mods) + ")")
    with open(os.path.join(a.out, "config.cmake"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
