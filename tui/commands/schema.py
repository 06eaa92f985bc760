"""``watchline schema``: print the JSON Schema of the log format.

The output is what data/watchline.schema.json holds; point yaml-language-server at it
(first line of a log: ``# yaml-language-server: $schema=watchline.schema.json``) to have
an editor check a log as it is typed.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Save it beside your logs (watchline schema > watchline.schema.json) and start each "
        "log with: # yaml-language-server: $schema=watchline.schema.json"
    )


def run(args: argparse.Namespace) -> int:
    """Print the schema (sorted keys, indent 2) to stdout."""
    from tui.model.schema import schema_text

    sys.stdout.write(schema_text())
    return 0
