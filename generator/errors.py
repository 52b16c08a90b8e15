"""Errors a user can cause. Each carries a message written for that user.

The CLI turns any of them into one line on stderr and an exit status in one place
(``cli.main``); library callers catch ``StackgenError``.
"""


class StackgenError(Exception):
    """Base class: something the user asked for cannot be done."""

    exit_code = 1


class UsageError(StackgenError):
    """Bad input on the command line or in a file the user gave us."""

    exit_code = 2


class InvalidChoice(UsageError):
    """A value that is not one of the catalog's options."""


class InvalidName(UsageError):
    """A project name (or other text field) that breaks a rule."""


class IncompatibleChoices(UsageError):
    """A combination that a catalog rule refuses."""


class MissingValue(UsageError):
    """A value is needed but there is no terminal to prompt on."""


class AnswersFileError(UsageError):
    """An answers or preset file that cannot be read or is malformed."""


class TargetExists(UsageError):
    """The target directory exists and is not empty."""


class CatalogError(StackgenError):
    """The catalog or a template layer is malformed (a bug in stackgen, not the user)."""


class RenderError(StackgenError):
    """Rendering failed; nothing was left on disk."""


class FilesystemError(UsageError):
    """The target cannot be written: a path, permission or space problem the user can fix."""


class Interrupted(BaseException):
    """A signal (SIGINT, SIGTERM, SIGHUP) stopped the run; ``written`` says whether the
    project was already complete in its place when it arrived."""

    def __init__(self, signum: int, *, written: bool = False, target: str | None = None) -> None:
        super().__init__(signum)
        self.signum = signum
        self.written = written
        self.target = target


def shorten(text: str, limit: int = 60) -> str:
    """A value as it may appear in a one-line error: at most ``limit`` characters, printable."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 3] + "..."
