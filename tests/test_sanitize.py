"""The generated C defends itself (issue 16): every model runs on the host under AddressSanitizer
and UndefinedBehaviorSanitizer with the per-layer write check (`-DMODEL_CHECK_WRITES`) and stays
byte-exact with TFLM; the write check and ASan do fire on a planted bad write."""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import model_params, shared_model
from tests.helpers import opmodels as m
from tests.helpers.hostrun import (
    HostModel,
    HostRunError,
    assert_matches_tflm,
    have_cc,
    write_checked,
    write_fault,
)
from tests.integration.test_shared_models import MODELS as SHARED
from tinyengine_pio import compile_model
from tinyengine_pio.emitter import EmitContext, generate, writable_ranges

pytestmark = pytest.mark.skipif(not have_cc(), reason="no host C compiler")

# one model per operator family (opmodels.SINGLE_OP_MODELS) and several option sets
BUILDERS = dict(m.SINGLE_OP_MODELS)
BUILDERS.update({
    "conv_pointwise": lambda: m.conv2d((1, 6, 6, 16), 24, (1, 1), activation="NONE"),
    "conv_im2col_s2": lambda: m.conv2d((1, 9, 9, 8), 12, (3, 3), stride=(2, 2)),
    "conv_dilated": lambda: m.conv2d((1, 10, 10, 4), 6, (3, 3), dilation=(2, 2)),
    "conv_5x5_valid_nobias": lambda: m.conv2d((1, 12, 12, 3), 8, (5, 5), padding="VALID",
                                              bias=False),
    "conv_batch2": lambda: m.conv2d((2, 6, 6, 3), 4, (3, 3)),
    "depthwise_dm1_s2": lambda: m.depthwise_conv2d((1, 9, 9, 16), 1, stride=(2, 2)),
    "depthwise_5x5_valid": lambda: m.depthwise_conv2d((1, 8, 8, 8), 1, (5, 5), padding="VALID",
                                                      activation="RELU6"),
    "fc_batch3_relu": lambda: m.fully_connected(48, 20, batch=3, activation="RELU"),
    "add_5d_broadcast": lambda: m.binary("ADD", (2, 3, 1, 4, 5), (1, 3, 2, 1, 5)),
    "mul_broadcast": lambda: m.binary("MUL", (1, 3, 3, 6), (1, 1, 3, 6)),
    "avg_pool_same": lambda: m.pool(filt=(3, 3), stride=(1, 1), padding="SAME"),
    "mean_no_keep": lambda: m.mean(axis=(1, 2), keep_dims=False),
    "resize_align": lambda: m.resize_nearest(align_corners=True),
    "transpose_3d": lambda: m.transpose((4, 3, 5), (2, 0, 1)),
    "concat_axis1": lambda: m.concatenation(((1, 2, 4, 3), (1, 3, 4, 3)), axis=1),
    "conv_dw_conv": m.conv_dw_conv,                       # in-place depthwise with scratch
    "conv_dw_conv_16": lambda: m.conv_dw_conv(8, 16, seed=3),
    "wide_then_conv_fc": m.wide_then_conv_fc,             # wide scratch off the peak
})


def _checked(tmp_path, data: bytes, optimize: str = "speed", name: str = "model.tflite"):
    cm = compile_model(data, name=name, optimize=optimize)
    return cm, write_checked(cm, tmp_path / f"gen_{optimize}")


@pytest.mark.parametrize("optimize", ["speed", "size"])
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_model_sanitized(tmp_path, name, optimize):
    data = BUILDERS[name]()
    _, out = _checked(tmp_path, data, optimize)
    assert_matches_tflm(data, out, sanitize=True)


@pytest.mark.parametrize("name", model_params(SHARED))
def test_shared_model_sanitized(tmp_path, name):
    data = shared_model(name).read_bytes()
    _, out = _checked(tmp_path, data, name=name)
    assert_matches_tflm(data, out, sanitize=True)


def test_write_check_off_is_the_plain_code():
    """Without check_writes nothing changes; with it, only #ifdef MODEL_CHECK_WRITES code is added
    (so a build without the macro compiles the plain code)."""
    cm = compile_model(m.conv_dw_conv())
    args = (cm.graph, cm.offsets, cm.arena_bytes, "model", cm.sha256, "model.tflite")
    plain = generate(*args)
    assert plain == {k: v for k, v in cm.files.items() if k != "model.json"}
    checked = generate(*args, check_writes=True)
    assert set(checked) == set(plain)
    for f in ("model.c", "model.h"):
        stripped = re.sub(r"\s*#ifdef MODEL_CHECK_WRITES\n.*?#endif\n", "\n", checked[f],
                          flags=re.DOTALL)
        assert re.sub(r"\n\s*\n", "\n", stripped) == re.sub(r"\n\s*\n", "\n", plain[f])
    assert all(checked[f] == plain[f] for f in plain if f not in ("model.c", "model.h"))


def _ranges(cm):
    return writable_ranges(cm.graph, EmitContext(cm.graph, cm.offsets, "model"), cm.arena_bytes)


def _plant(out, step: int, statement: str) -> None:
    """Insert a C statement into model_invoke() right after step `step`'s kernel call."""
    src = out / "model.c"
    text = src.read_text()
    hook = f"    #ifdef MODEL_CHECK_WRITES\n    if (model_check_step({step}) != 0) {{"
    assert text.count(hook) == 1
    src.write_text(text.replace(hook, f"    {statement}\n{hook}"))


@pytest.mark.parametrize("canary", [False, True], ids=["plain", "canary"])
def test_write_check_names_the_layer(tmp_path, canary):
    data = m.wide_then_conv_fc()
    cm, out = _checked(tmp_path, data)
    ops = cm.graph.operators
    step = 1                                            # the k x k CONV_2D
    ranges = _ranges(cm)[step]
    bad = next(x for x in range(cm.arena_bytes) if not any(b <= x < e for b, e in ranges))
    _plant(out, step, f"TE_ARENA[{bad}] = (int8_t)(TE_ARENA[{bad}] ^ 0x5a);")
    flags = ["-DMODEL_ARENA_CANARY"] if canary else []
    with (HostModel(out, sanitize=True, check_writes=True, extra_cflags=flags) as host,
          pytest.raises(HostRunError) as ei):
        assert_matches_tflm(data, out, host=host)
    assert ei.value.returncode == 3 and "model_invoke returned -2" in ei.value.stderr
    assert write_fault(ei.value.stderr) == {"step": step, "op_index": ops[step].index,
                                            "op": ops[step].kind, "offset": bad}
    # the same planted write inside the step's own output is allowed
    cm, out = _checked(tmp_path / "ok", data)
    _plant(out, step, f"TE_ARENA[{ranges[0][0]}] = 0;")
    # (it changes the output, so only run: no TFLM comparison)
    with HostModel(out, sanitize=True, check_writes=True) as host:
        host.run([[bytes(host.info()["inputs"][0])]])


def test_write_check_catches_a_shifted_kernel_output(tmp_path):
    """A kernel call whose output pointer is off by a few bytes (as a planner or emitter bug
    would make it) writes past its output: the check names that layer and the first byte."""
    data = m.conv_dw_conv(8, 16, seed=3)
    cm, out = _checked(tmp_path, data)
    step = 2                                                # the last CONV_2D
    op = cm.graph.operators[step]
    off = cm.offsets[cm.graph.storage(op.outputs[0])]
    end = off + cm.graph.t(op.outputs[0]).nbytes
    src = out / "model.c"
    text = src.read_text()
    head = text.index(f"/* step {step}:")
    tail = text.index(f"model_check_step({step})")
    call = text[head:tail]
    old = f"((int8_t *)(TE_ARENA + {off}))"
    assert old in call and end + 8 <= cm.arena_bytes
    assert not any(b <= end < e for b, e in _ranges(cm)[step])
    src.write_text(text[:head] + call.replace(old, f"((int8_t *)(TE_ARENA + {off + 8}))")
                   + text[tail:])
    with (HostModel(out, sanitize=True, check_writes=True) as host,
          pytest.raises(HostRunError) as ei):
        assert_matches_tflm(data, out, host=host)
    fault = write_fault(ei.value.stderr)
    assert fault and fault["step"] == step and fault["op"] == op.kind
    assert end <= fault["offset"] < end + 8


def test_asan_catches_a_write_past_the_arena(tmp_path):
    data = m.conv2d((1, 8, 8, 3), 16, (3, 3))
    cm, out = _checked(tmp_path, data)
    op = cm.graph.operators[-1]
    off = cm.offsets[cm.graph.storage(op.outputs[0])]
    nbytes = cm.graph.t(op.outputs[0]).nbytes
    src = out / "model.c"
    text = src.read_text()
    old = f"((int8_t *)(TE_ARENA + {off}))"
    assert text.count(old) >= 1 and nbytes > 64
    # the output now ends 64 bytes past the arena (beyond the union's alignment padding)
    src.write_text(text.replace(old, f"((int8_t *)(TE_ARENA + {cm.arena_bytes + 64 - nbytes}))"))
    with (HostModel(out, sanitize=True, check_writes=True) as host,
          pytest.raises(HostRunError) as ei):
        host.run([[bytes(host.info()["inputs"][0])]])
    assert "AddressSanitizer: global-buffer-overflow" in ei.value.stderr
    assert "model_arena" in ei.value.stderr and "WRITE" in ei.value.stderr


def test_canary_and_write_check_compose(tmp_path):
    """MODEL_ARENA_CANARY still works beside the write check: clean runs match TFLM, a write into
    the tail guard between invokes is reported by the canary (-1)."""
    data = m.conv_dw_conv()
    cm, out = _checked(tmp_path, data)
    with HostModel(out, sanitize=True, check_writes=True,
                   extra_cflags=["-DMODEL_ARENA_CANARY"]) as host:
        assert_matches_tflm(data, out, host=host)
    storage, alias = cm.graph.view(cm.graph.inputs[0])
    past_end = cm.arena_bytes - (cm.offsets[storage] + alias)
    (tmp_path / "bad.c").write_text(
        '#include "model.h"\n'
        "int main(void) {\n"
        "    if (model_invoke() != 0) return 10;\n"
        f"    ((signed char *)model_input(0))[{past_end}] = 0x11;\n"
        "    if (model_invoke() != -1) return 11;\n"
        "    return model_write_fault()->step == -1 ? 0 : 12;\n"
        "}\n")
    exe = tmp_path / "bad"
    subprocess.run(["gcc", "-std=c99", "-DMODEL_ARENA_CANARY", "-DMODEL_CHECK_WRITES", "-I", str(out),
                    *map(str, out.glob("*.c")), str(tmp_path / "bad.c"), "-o", str(exe)],
                   check=True)
    assert subprocess.run([str(exe)], check=False).returncode == 0


def test_prefixed_model_sanitized(tmp_path):
    """The check's symbols follow --prefix (NET_CHECK_WRITES, net_write_fault)."""
    data = m.conv_dw_conv()
    cm = compile_model(data, prefix="net")
    out = write_checked(cm, tmp_path / "gen")
    assert "net_write_fault" in (out / "net.h").read_text() and not (out / "model.c").exists()
    assert_matches_tflm(data, out, prefix="net", sanitize=True)
