"""`west tinyengine`: tinyengine-pio models of a Zephyr build.

    west tinyengine report [-d BUILD] [--json] [--compare-tflm]
    west tinyengine bench  [-d BUILD] [--timeout S] [-t run] [--no-build]
    west tinyengine module-path

report prints the per-layer table (shapes, MACs, weights, live memory, arena) of every model the
build compiles; bench builds, runs the image (the build's `run` target: QEMU boards) until the
sample prints "tinyengine: done", and summarizes time and arena per model.  The work is done by
tinyengine_pio.zephyr, which must be importable by west's Python.
"""
import argparse
import sys

from west.commands import WestCommand


class TinyEngine(WestCommand):
    def __init__(self):
        super().__init__(
            "tinyengine",
            "tinyengine-pio models of a Zephyr build (report, bench, module-path)",
            __doc__,
            accepts_unknown_args=False)

    def do_add_parser(self, parser_adder):
        parser = parser_adder.add_parser(
            self.name, help=self.help, description=self.description,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        sub = parser.add_subparsers(dest="cmd", required=True)
        sub.add_parser("module-path", help="print the tinyengine Zephyr module's directory")
        try:
            from tinyengine_pio.zephyr import add_build_commands
        except ImportError:
            for name in ("report", "bench"):
                p = sub.add_parser(name)
                p.add_argument("rest", nargs=argparse.REMAINDER)
        else:
            add_build_commands(sub)
        return parser

    def do_run(self, args, unknown_args):
        try:
            from tinyengine_pio import zephyr
            from tinyengine_pio.errors import TinyEngineError
        except ImportError as e:
            self.die(f"the Python package tinyengine-pio is not installed in west's Python "
                     f"({sys.executable}): {e}\n"
                     f"install it with: {sys.executable} -m pip install tinyengine-pio")
        try:
            if args.cmd == "module-path":
                print(zephyr.module_path())
                return
            rc = zephyr.run_build_command(args)
        except TinyEngineError as e:
            self.die(str(e))
        if rc:
            sys.exit(rc)
