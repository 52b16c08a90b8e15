"""The console script. Importing the CLI loads the catalog, so a broken catalog (for example
an edited checkout) must also end as one line on stderr, not a traceback."""

from __future__ import annotations

import sys

from generator.errors import StackgenError


def main() -> None:
    try:
        from generator.cli import main as cli_main
    except StackgenError as exc:
        print(f"stackgen: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    cli_main()
