"""Board facts come from the board JSONs (tinyengine_pio/platformio/boards.py); no QEMU needed."""
import json
import shutil
import subprocess

import pytest

from tinyengine_pio.platformio import boards as B


def test_helium_cores_are_derived_and_unchanged():
    from tinyengine_pio.costmodel import MVE_CPUS
    assert MVE_CPUS == ("cortex-m55", "cortex-m85")     # mps3-an547 + CPUS_WITHOUT_BOARD
    assert B.cpus_with("dsp") == ("cortex-m33", "cortex-m4", "cortex-m55", "cortex-m7",
                                  "cortex-m85")


def test_renode_cpu_types_come_from_the_board_files():
    from tinyengine_pio.harness.targets.renode import RENODE_BOARDS
    assert {b: rb.cpu_type for b, rb in RENODE_BOARDS.items()} == {
        "mps2-an386": "cortex-m4f", "mps2-an500": "cortex-m7", "mps2-an505": "cortex-m33",
        "mps3-an547": "cortex-m55"}
    assert RENODE_BOARDS["mps3-an547"].note == ("generated: CMSDK UART0 @ 0x59303000; "
                                                "Renode's Cortex-M55 support is not verified")


def _predefined(build: dict) -> set[str]:
    flags = ["-mcpu=%s" % build["cpu"], "-mthumb"]
    flags += (["-mfpu=%s" % build["fpu"], "-mfloat-abi=%s" % build.get("float_abi", "hard")]
              if build.get("fpu") else ["-mfloat-abi=soft"])         # as builder/main.py
    out = subprocess.run(["arm-none-eabi-gcc", *flags, "-dM", "-E", "-"], input="",
                         capture_output=True, text=True, check=True).stdout
    return {name for name, macro in (("dsp", "__ARM_FEATURE_DSP"), ("mve", "__ARM_FEATURE_MVE"))
            if "#define %s " % macro in out}


@pytest.mark.skipif(not shutil.which("arm-none-eabi-gcc"), reason="needs arm-none-eabi-gcc")
@pytest.mark.parametrize("board", B.board_ids())
def test_isa_matches_what_gcc_enables_for_the_cpu(board):
    build = B.load_board(board)["build"]
    assert set(build["isa"]) == _predefined(build)


def test_same_cpu_different_isa_is_refused(tmp_path):
    for name, isa in (("a", ["dsp"]), ("b", ["dsp", "mve"])):
        (tmp_path / (name + ".json")).write_text(json.dumps({"build": {"cpu": "x", "isa": isa}}))
    with pytest.raises(ValueError, match="boards a and b both have build.cpu 'x'"):
        B.cpu_isa(str(tmp_path))


def test_unknown_board_lists_the_known_ones():
    with pytest.raises(KeyError, match="mps2-an386, mps2-an500, mps2-an505, mps3-an547"):
        B.load_board("pico")


def test_help_texts_list_every_board():
    from tinyengine_pio.harness.cli import build_parser
    board = next(a for a in build_parser()._actions if "--board" in a.option_strings)
    assert board.help.endswith("one of mps2-an386, mps2-an500, mps2-an505, mps3-an547)")
