"""``tinyengine-pio init [DIR]``: make a PlatformIO project compile its model with tinyengine-pio.

Portable: nothing written holds an absolute path, so the project builds for a teammate, in CI or
from a copy in another directory.

* default: writes ``DIR/tinyengine.py`` -- a small shim to commit (the same file as the
  library's extra script, ``platformio/library/tinyengine_hook.py``) that finds the installed
  hook at build time through the Python that has tinyengine-pio -- and adds
  ``extra_scripts = pre:tinyengine.py`` to ``platformio.ini``;
* ``--library``: copies the ``tinyengine-model`` library (library.json and the same shim) to
  ``DIR/tinyengine-model/`` and adds ``lib_deps = file://tinyengine-model``.

With ``--model PATH`` (relative to DIR) it also sets ``custom_tinyengine_model``; ``--prefix``
sets ``custom_tinyengine_prefix``.  Idempotent, and it never overwrites a user's line: an option
already set is kept and reported.  The lines go to the ``[env]`` section (inherited by every
``[env:NAME]``; created if needed), or with ``--env NAME`` to ``[env:NAME]``; an env that sets
its own ``extra_scripts`` / ``lib_deps`` gets the entry appended there too (its value replaces
``[env]``'s).

``--where`` prints ``{"python": ..., "package": ...}`` of this installation (the hook asks a
``tinyengine-pio`` found on PATH this way when its script does not name its Python).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys

from .platformio import LIBRARY_DIR

SHIM_NAME = "tinyengine.py"
SHIM_SOURCE = os.path.join(LIBRARY_DIR, "tinyengine_hook.py")
SHIM_MARK = "tinyengine-pio: compile the env's custom_tinyengine_model"
LIBRARY_COPY = "tinyengine-model"


class InitError(Exception):
    pass


def where() -> dict:
    """What the PlatformIO hook's probe reports about a Python (``hook.PROBE``)."""
    import importlib.util
    return {"python": sys.executable, "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
            "package": os.path.dirname(os.path.abspath(__file__)),
            "missing": [m for m in ("numpy", "tflite", "flatbuffers")
                        if importlib.util.find_spec(m) is None]}


# --- a line-preserving platformio.ini editor ----------------------------------------------------

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*(?:[;#].*)?$")
_OPTION = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]\s*(.*)$")


class Ini:
    """Sections with their lines; options located so that one can be appended to or added,
    leaving every other line (comments, order, blank lines) as it is."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def sections(self) -> list[str]:
        return [m.group(1).strip() for m in map(_SECTION.match, self.lines) if m]

    def _span(self, section: str) -> tuple[int, int] | None:
        start = None
        for i, line in enumerate(self.lines):
            m = _SECTION.match(line)
            if m and start is not None:
                return start, i
            if m and m.group(1).strip() == section:
                start = i
        return (start, len(self.lines)) if start is not None else None

    def option(self, section: str, name: str) -> tuple[int, int, str] | None:
        """(first line, end line, value with continuation lines) of an option, or None."""
        span = self._span(section)
        if span is None:
            return None
        i = span[0] + 1
        while i < span[1]:
            m = _OPTION.match(self.lines[i])
            if m and m.group(1) == name:
                j, value = i + 1, [m.group(2)]
                while j < span[1] and self.lines[j][:1] in (" ", "\t") and self.lines[j].strip() \
                        and not self.lines[j].lstrip().startswith((";", "#")):
                    value.append(self.lines[j].strip())
                    j += 1
                return i, j, "\n".join(value)
            i += 1
        return None

    def add_section(self, section: str, before: str | None = None) -> None:
        at = len(self.lines)
        if before is not None:
            for i, line in enumerate(self.lines):
                m = _SECTION.match(line)
                if m and m.group(1).strip().startswith(before):
                    at = i
                    break
        new = ["[%s]" % section]
        if at < len(self.lines):
            new.append("")
        elif self.lines and self.lines[-1].strip():
            new.insert(0, "")
        self.lines[at:at] = new

    def set(self, section: str, name: str, value: str) -> None:
        """Add ``name = value`` at the end of the section's options."""
        start, end = self._span(section)
        at = end
        while at > start + 1 and not self.lines[at - 1].strip():
            at -= 1
        self.lines[at:at] = ["%s = %s" % (name, value)]

    def append(self, section: str, name: str, item: str) -> None:
        """Add ``item`` as a continuation line of a multi-value option."""
        _, end, _ = self.option(section, name)
        self.lines[end:end] = ["    " + item]


def _values(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[,\n]", value) if v.strip()]


def _has(value: str, needle: str) -> bool:
    return any(needle in v for v in _values(value))


def init(project: str, model: str | None = None, prefix: str | None = None,
         envs: list[str] | None = None, library: bool = False) -> list[str]:
    """Set up ``project``; returns what was done / kept, one line each."""
    project = os.path.abspath(project)
    ini_path = os.path.join(project, "platformio.ini")
    if not os.path.isfile(ini_path):
        raise InitError("%s has no platformio.ini: create the project first (`pio project init "
                        "--board BOARD`), then run tinyengine-pio init again" % project)
    if model is not None:
        if os.path.isabs(model):
            model = os.path.relpath(model, project)
        if not os.path.isfile(os.path.join(project, model)):
            raise InitError("model file not found: %s (--model is relative to %s)"
                            % (os.path.join(project, model), project))
        model = model.replace(os.sep, "/")
    if prefix is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", prefix):
        raise InitError("--prefix %r is not a C identifier" % prefix)
    with open(ini_path, encoding="utf8") as fp:
        ini = Ini(fp.read())
    done: list[str] = []
    env_sections = [s for s in ini.sections() if s.startswith("env:")]
    missing = [e for e in envs or [] if "env:" + e not in env_sections]
    if missing:
        raise InitError("no [env:%s] in %s (envs: %s)" % (missing[0], ini_path, ", ".join(
            s[4:] for s in env_sections) or "none"))

    if library:
        dest = os.path.join(project, LIBRARY_COPY)
        os.makedirs(dest, exist_ok=True)
        for name in ("library.json", "tinyengine_hook.py"):
            done += _copy(os.path.join(LIBRARY_DIR, name), os.path.join(dest, name), project)
        option, entry = "lib_deps", "file://" + LIBRARY_COPY
    else:
        done += _copy(SHIM_SOURCE, os.path.join(project, SHIM_NAME), project, check_ours=True)
        option, entry = "extra_scripts", "pre:" + SHIM_NAME

    if envs:
        targets = ["env:" + e for e in envs]
    else:
        if "env" not in ini.sections():
            ini.add_section("env", before="env:")
            done.append("added [env] (its options apply to every [env:NAME])")
        targets = ["env"] + [s for s in env_sections if ini.option(s, option)]

    for section in targets:
        found = ini.option(section, option)
        inherited = section != "env" and ini.option("env", option)
        needle = SHIM_NAME if option == "extra_scripts" else LIBRARY_COPY
        if found and _has(found[2], needle):
            done.append("[%s] %s already has %s" % (section, option, entry))
        elif found:
            ini.append(section, option, entry)
            done.append("[%s] %s: appended %s" % (section, option, entry))
        elif inherited and _has(inherited[2], needle):
            done.append("[%s] inherits %s from [env]" % (section, entry))
        else:   # [env]'s value, if any, stays in use through ${env.OPTION}
            ini.set(section, option, entry + ("\n    ${env.%s}" % option if inherited else ""))
            done.append("[%s] %s = %s" % (section, option, entry))
        if library:
            auto = ini.option(section, "custom_tinyengine_autohook")
            if not auto and any(ini.option(s, "platform") and "tinyengine-qemu" in
                                ini.option(s, "platform")[2] for s in ini.sections()):
                ini.set(section, "custom_tinyengine_autohook", "no")
                done.append("[%s] custom_tinyengine_autohook = no (the library runs the hook)"
                            % section)

    for name, value in (("custom_tinyengine_model", model), ("custom_tinyengine_prefix", prefix)):
        if value is None:
            continue
        for section in targets if envs else ["env"]:
            names = [name] + (["custom_tinyengine_models"] if name.endswith("_model") else [])
            owners = [(s, n) for s in dict.fromkeys([section, "env"] + ([] if envs else
                                                                       env_sections))
                      for n in names if s in ini.sections() and ini.option(s, n)]
            if owners:
                s, n = owners[0]
                done.append("kept %s = %s in [%s] (not replaced)"
                            % (n, ini.option(s, n)[2].replace("\n", " "), s))
            else:
                ini.set(section, name, value)
                done.append("[%s] %s = %s" % (section, name, value))

    text = ini.text()
    with open(ini_path, encoding="utf8") as fp:
        old = fp.read()
    if text != old:
        tmp = ini_path + ".tmp"
        with open(tmp, "w", encoding="utf8") as fp:
            fp.write(text)
        os.replace(tmp, ini_path)
    return done


def _copy(src: str, dest: str, project: str, check_ours: bool = False) -> list[str]:
    rel = os.path.relpath(dest, project)
    with open(src, encoding="utf8") as fp:
        new = fp.read()
    if os.path.exists(dest):
        with open(dest, encoding="utf8") as fp:
            old = fp.read()
        if old == new:
            return ["%s is up to date" % rel]
        if check_ours and SHIM_MARK not in old:
            raise InitError("%s exists and is not tinyengine-pio's shim: move it away (or add "
                            "`extra_scripts = pre:%s` by hand with another name)"
                            % (dest, SHIM_NAME))
        shutil.copyfile(src, dest)
        return ["%s updated" % rel]
    shutil.copyfile(src, dest)
    return ["wrote %s (commit it)" % rel]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="tinyengine-pio init",
        description="Add tinyengine-pio to a PlatformIO project, portably (no absolute path): "
                    "a committed tinyengine.py shim (or the library with --library) and the "
                    "custom_tinyengine_* lines in platformio.ini. Idempotent; never replaces an "
                    "option already set.")
    ap.add_argument("dir", nargs="?", default=".", help="the project (default: .)")
    ap.add_argument("--model", help="the .tflite model, relative to DIR "
                                    "(sets custom_tinyengine_model)")
    ap.add_argument("--prefix", help="C prefix of the generated code (custom_tinyengine_prefix)")
    ap.add_argument("--env", action="append", metavar="NAME",
                    help="set up [env:NAME] only (repeatable; default: the [env] section)")
    ap.add_argument("--library", action="store_true",
                    help="copy the tinyengine-model library into DIR and use lib_deps = "
                         "file://tinyengine-model instead of the extra script")
    ap.add_argument("--where", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.where:
        print(json.dumps(where()))
        return 0
    try:
        done = init(args.dir, args.model, args.prefix, args.env, args.library)
    except InitError as exc:
        print("tinyengine-pio init: error: %s" % exc, file=sys.stderr)
        return 2
    for line in done:
        print("  " + line)
    print("Build with `pio run -d %s`; the Python that compiles is found at build time "
          "(see `tinyengine-pio setup`, or set TINYENGINE_PYTHON)." % args.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
