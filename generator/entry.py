"""The console script. Importing the CLI loads the catalog, so a broken catalog (for example
an edited checkout) must also end as one line on stderr, not a traceback; so must Ctrl-C
while the imports run (before the CLI routes signals itself)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        # Nothing to parse for it: not the catalog the other commands build their flags from.
        from generator import __version__

        print(f"stackgen, version {__version__}")
        return
    try:
        from generator.errors import Interrupted, StackgenError

        try:
            from generator.cli import main as cli_main
        except StackgenError as exc:
            print(f"stackgen: error: {exc}", file=sys.stderr)
            sys.exit(exc.exit_code)
        cli_main(final=True)
    except KeyboardInterrupt:
        print("\nInterrupted (SIGINT); nothing was written.", file=sys.stderr)
        sys.exit(130)
    except Interrupted as exc:  # a signal in the instant the CLI was reporting another
        from generator.cli import interruption_message

        print(interruption_message(exc), file=sys.stderr)
        sys.exit(128 + exc.signum)
