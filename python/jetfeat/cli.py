"""Command-line interface: ``jetfeat generate | extract | run | bench``.

Each subcommand lives in the module that owns its concept; that module provides
``add_arguments(parser)`` and ``run_cli(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# Subcommand name -> (module that implements it, one-line help).
SUBCOMMANDS = {
    "generate": ("jetfeat.generate", "generate particle-level top/QCD jets with Pythia 8"),
    "extract": ("jetfeat.features", "compute a feature table from a jet dataset"),
    "run": ("jetfeat.pipeline", "extract, select features with DisCo-FFS, train and report"),
    "bench": ("jetfeat.bench", "measure feature and tagger throughput"),
}


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="jetfeat", description="jetfeat command-line interface: generate, extract, run, bench")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log more (-v: info, -vv: debug)")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # NOTE: tolerated only so a partial source tree still gives a working CLI; every
            # module listed above ships with jetfeat.
            if exc.name != module_name:
                raise
            continue
        subparser = subparsers.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(subparser)
        subparser.set_defaults(_run=module.run_cli)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``jetfeat`` command; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

        print(f"jetfeat {__version__}")
        return 0
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except (ValueError, FileNotFoundError, ImportError, OSError) as exc:
        # Expected user errors (bad input, missing file, missing optional package) get one
        # readable line, not a traceback; anything else is a bug and keeps its traceback.
        print(f"jetfeat {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
