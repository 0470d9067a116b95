"""Build a compiled model for the host with gcc and run it: the quickest way to see outputs."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import numpy as np

from .compiler import CompiledModel
from .emitter import write_files
from .errors import TinyEngineError
from .ir import NP_TYPES

HARNESS = """#include <stdio.h>
#include "@P@.h"

int main(void) {
    int i;
    for (i = 0; i < @P@_num_inputs(); ++i) {
        if (fread(@P@_input(i), 1, @P@_input_bytes(i), stdin) != @P@_input_bytes(i)) {
            return 2;
        }
    }
    if (@P@_invoke() != 0) {
        return 3;
    }
    for (i = 0; i < @P@_num_outputs(); ++i) {
        fwrite(@P@_output(i), 1, @P@_output_bytes(i), stdout);
    }
    return 0;
}
"""


def run_on_host(cm: CompiledModel, inputs: list[np.ndarray], prefix: str = "model",
                cc: str = "gcc") -> list[np.ndarray]:
    """Compile `cm` with the host C compiler, run one inference, return the outputs."""
    if shutil.which(cc) is None:
        raise TinyEngineError(f"host C compiler '{cc}' not found (install gcc)")
    g = cm.graph
    with tempfile.TemporaryDirectory(prefix="tinyengine-host-") as d:
        gen = os.path.join(d, "gen")
        write_files(gen, cm.files)
        main_c = os.path.join(d, "main.c")
        with open(main_c, "w") as f:
            f.write(HARNESS.replace("@P@", prefix))
        exe = os.path.join(d, "model")
        srcs = [os.path.join(gen, n) for n in sorted(cm.files) if n.endswith(".c")]
        r = subprocess.run([cc, "-std=c99", "-O2", "-I", gen, *srcs, main_c, "-lm", "-o", exe],
                           capture_output=True, text=True)
        if r.returncode:
            raise TinyEngineError(f"host build failed:\n{r.stderr}")
        blob = b"".join(np.ascontiguousarray(x, dtype=NP_TYPES[g.t(i).dtype]).tobytes()
                        for x, i in zip(inputs, g.inputs))
        r = subprocess.run([exe], input=blob, capture_output=True, timeout=600)
        if r.returncode:
            raise TinyEngineError(f"generated model exited with status {r.returncode}")
    outs, pos = [], 0
    for i in g.outputs:
        t = g.t(i)
        outs.append(np.frombuffer(r.stdout[pos:pos + t.nbytes], dtype=NP_TYPES[t.dtype]).reshape(t.shape))
        pos += t.nbytes
    return outs


def seed_inputs(cm: CompiledModel, seed: int = 0) -> list[np.ndarray]:
    """The shared models' recipe: int8 uniform in [-128, 127], float32 standard normal."""
    rng = np.random.default_rng(seed)
    out = []
    for i in cm.graph.inputs:
        t = cm.graph.t(i)
        if t.dtype == "float32":
            out.append(rng.standard_normal(t.shape).astype(np.float32))
        else:
            out.append(rng.integers(-128, 128, size=t.shape, dtype=np.int64).astype(NP_TYPES[t.dtype]))
    return out
