"""Files a user hands to stackgen (answers files, presets) are untrusted input: read a bounded
size from regular files only, decode UTF-8 strictly, and parse YAML without aliases (an alias
bomb of a few hundred bytes expands to gigabytes) or deep nesting (the composer recurses).
Every failure is an ``AnswersFileError`` whose message names the flag and file, never echoing
more than a short excerpt of what the file holds."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import yaml

from generator.errors import AnswersFileError, shorten

MAX_BYTES = 64 * 1024  # a .stackgen.yml is under 1 KiB
MAX_DEPTH = 8  # a .stackgen.yml nests 3 levels deep


def read_text(path: Path, flag: str) -> str:
    """The file's text: at most MAX_BYTES of a regular file, as strict UTF-8."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise AnswersFileError(f"{flag}: cannot read {path}: {_reason(exc)}") from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
            raise AnswersFileError(f"{flag}: {path} is {kind}; give a YAML file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise AnswersFileError(f"{flag}: cannot read {path}: {_reason(exc)}") from exc
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise AnswersFileError(f"{flag}: {path} is larger than {MAX_BYTES // 1024} KiB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AnswersFileError(f"{flag}: {path} is UTF-16; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswersFileError(
            f"{flag}: {path} is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def _reason(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, "unknown error")


class _UntrustedLoader(yaml.SafeLoader):
    """SafeLoader without aliases and with a nesting limit."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(path: Path, flag: str) -> Any:
    """Parse an untrusted YAML file into plain Python data."""
    text = read_text(path, flag)
    try:
        return yaml.load(text, Loader=_UntrustedLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None)
        detail = f": {shorten(str(problem))}" if problem else ""
        raise AnswersFileError(f"{flag}: {path} is not valid YAML{where}{detail}") from exc
    except RecursionError as exc:  # belt and braces: the depth limit comes first
        raise AnswersFileError(f"{flag}: {path} is nested too deeply") from exc
