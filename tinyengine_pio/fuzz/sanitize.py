"""Build an accepted mutant's generated C with ASan + UBSan (and the arena canary) on the host,
run one inference on seeded inputs, and report what the sanitizers said. Objects are cached by
the hash of their source and the headers it includes (the kernels rarely change)."""
from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

CFLAGS = ("-std=c99", "-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined",
          "-fno-sanitize-recover=all")
ENV = {"ASAN_OPTIONS": "detect_leaks=0:allocator_may_return_null=1:abort_on_error=0",
       "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}
FILL = {"int8": "(int8_t)(next() & 0xff)", "uint8": "(uint8_t)(next() & 0xff)",
        "int16": "(int16_t)(next() & 0xffff)", "int32": "(int32_t)next()",
        "float32": "(float)((int)(next() % 2001u) - 1000) / 250.0f"}
CTYPE = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int32_t",
         "float32": "float"}


@dataclass
class SanitizerResult:
    ok: bool
    kind: str = "clean"      # clean | build | run | timeout
    message: str = ""
    key: str = ""            # what makes two failures the same (summary line, no addresses)


def _unlimited():
    """ASan reserves terabytes of shadow address space: lift the worker's RLIMIT_AS soft limit."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def harness(graph, prefix: str, seed: int) -> str:
    lines = ["#include <stdint.h>", "#include <stdio.h>", f'#include "{prefix}.h"',
             f"static uint32_t s = {seed & 0xFFFFFFFF}u * 2654435761u + 1u;",
             "static uint32_t next(void) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; return s; }",
             "int main(void) {", "    size_t k; unsigned sum = 0; int rc;"]
    for n, i in enumerate(graph.inputs):
        dt = graph.t(i).dtype if dtype_ok(graph, i) else "int8"
        lines += [f"    {{ {CTYPE[dt]} *p = ({CTYPE[dt]} *){prefix}_input({n});",
                  (f"      for (k = 0; k < {prefix}_input_bytes({n}) / sizeof(*p); ++k) "
                   f"p[k] = {FILL[dt]}; }}")]
    lines += [f"    rc = {prefix}_invoke();",
              '    if (rc != 0) { fprintf(stderr, "invoke returned %d\\n", rc); return 3; }',
              f"    for (rc = 0; rc < {prefix}_num_outputs(); ++rc) {{",
              f"        const unsigned char *o = {prefix}_output(rc);",
              f"        for (k = 0; k < {prefix}_output_bytes(rc); ++k) sum += o[k]; }}",
              '    printf("%u\\n", sum);', "    return 0;", "}"]
    return "\n".join(lines) + "\n"


def dtype_ok(graph, i) -> bool:
    return 0 <= i < len(graph.tensors) and graph.t(i).dtype in FILL


def _includes(path: str, gen: str, seen: set) -> None:
    with open(path, errors="replace") as f:
        for name in re.findall(r'#\s*include\s*"([^"]+)"', f.read()):
            p = os.path.join(gen, name)
            if p not in seen and os.path.exists(p):
                seen.add(p)
                _includes(p, gen, seen)


def _object(src: str, gen: str, cache: str, defines: list[str]) -> str:
    deps: set = set()
    _includes(src, gen, deps)
    h = hashlib.sha256(" ".join(CFLAGS + tuple(defines)).encode())
    for p in [src, *sorted(deps)]:
        with open(p, "rb") as f:
            h.update(os.path.basename(p).encode() + b"\0" + f.read())
    obj = os.path.join(cache, h.hexdigest()[:24] + ".o")
    if not os.path.exists(obj):
        tmp = f"{obj}.{os.getpid()}.tmp"
        r = subprocess.run(["gcc", *CFLAGS, *defines, "-I", gen, "-c", src, "-o", tmp],
                           capture_output=True, text=True, timeout=300, preexec_fn=_unlimited,
                           check=False)
        if r.returncode:
            raise _BuildError(_first_error(r.stderr) or r.stderr[-300:])
        os.replace(tmp, obj)
    return obj


class _BuildError(Exception):
    pass


def _first_error(text: str) -> str:
    for line in text.splitlines():
        if "error" in line:
            return line.strip()
    return ""


def _summary(stderr: str) -> str:
    for pat in (r"(\S+: )?runtime error: .*", r"SUMMARY: .*", r"ERROR: AddressSanitizer: .*",
                r"invoke returned .*"):
        m = re.search(pat, stderr)
        if m:
            return re.sub(r"\S*/", "", m.group(0).strip())   # file:line without the temp dir
    return stderr.strip().splitlines()[-1][:200] if stderr.strip() else ""


def _normalize(s: str) -> str:
    s = re.sub(r"0x[0-9a-f]+", "0x?", s)
    s = re.sub(r"/\S*/(gen/)?", "", s)
    return re.sub(r"\d{3,}", "N", s)


def check(cm, prefix: str = "model", seed: int = 0, timeout: float = 60,
          cache: str | None = None) -> SanitizerResult:
    """Build cm.files with the sanitizers and run one inference."""
    if shutil.which("gcc") is None:
        return SanitizerResult(True, "clean", "gcc not found: not checked")
    cache = cache or os.path.join(tempfile.gettempdir(), "tinyengine-fuzz-objs")
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tinyengine-fuzz-asan-") as d:
        gen = os.path.join(d, "gen")
        os.makedirs(gen)
        for name, text in cm.files.items():
            with open(os.path.join(gen, name), "w", encoding="utf-8", errors="replace") as f:
                f.write(text)
        main_c = os.path.join(d, "fuzz_main.c")
        with open(main_c, "w") as f:
            f.write(harness(cm.graph, prefix, seed))
        defines = [f"-D{prefix.upper()}_ARENA_CANARY"]
        exe = os.path.join(d, "model")
        try:
            objs = [_object(os.path.join(gen, n), gen, cache, defines)
                    for n in sorted(cm.files) if n.endswith(".c")]
            objs.append(_object(main_c, gen, cache, defines))
            r = subprocess.run(["gcc", *CFLAGS, *objs, "-lm", "-o", exe], capture_output=True,
                               text=True, timeout=300, preexec_fn=_unlimited, check=False)
            if r.returncode:
                raise _BuildError(_first_error(r.stderr) or r.stderr[-300:])
        except _BuildError as e:
            msg = str(e)
            return SanitizerResult(False, "build", f"host build failed: {msg}",
                                   "build: " + _normalize(msg))
        except subprocess.TimeoutExpired:
            return SanitizerResult(False, "build", "host build timed out", "build: timeout")
        try:
            r = subprocess.run([exe], capture_output=True, text=True, timeout=timeout,
                               env={**os.environ, **ENV}, preexec_fn=_unlimited, check=False)
        except subprocess.TimeoutExpired:
            return SanitizerResult(False, "timeout", f"inference ran longer than {timeout:g} s",
                                   "run: timeout")
        if r.returncode or "runtime error" in r.stderr or "Sanitizer" in r.stderr:
            s = _summary(r.stderr) or f"exit status {r.returncode}"
            return SanitizerResult(False, "run", s, "run: " + _normalize(s))
    return SanitizerResult(True)
