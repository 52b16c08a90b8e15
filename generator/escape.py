"""One escaping filter per file language, for user text (the project's name and description).

User text reaches a template only as a variable's value (never as template source, see
``context.py``); these filters make sure it also stays *data* in the file it lands in: no value
can end the string literal it sits in, start a Markdown link, or change what a parser reads.
A test (``tests/test_escaping.py``) fails for any template that renders a user variable without
the filter its file's language needs; ``USER_TEXT_FILTERS`` is that mapping.

Source files get no user text at all. A string literal in Python must also satisfy ruff
(ambiguous-unicode, line-length, hard-coded temp-path rules) for any text, and one in
TypeScript Prettier's layout (wide characters count double against its print width, so a long
name moves the literal to a line of its own), which no escaping can promise. The generated apps
read their name and description from ``app/core/project.json`` and ``src/project.json``.
"""

from __future__ import annotations

import json
import re

# Characters that end a line for some parser even though they are not '\n': JavaScript
# (before ES2019) and YAML treat U+2028/U+2029 as line breaks, YAML also U+0085. The stack
# refuses them in text fields; escaping them here too keeps each filter safe on its own.
_LINE_BREAKS = frozenset({"\u0085", "\u2028", "\u2029"})


def json_str(value: str) -> str:
    """A JSON string literal (package.json, app/core/project.json, src/project.json)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def toml_str(value: str) -> str:
    """A TOML basic string: backslash, quote and control characters escaped."""
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or ch in _LINE_BREAKS:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


# CommonMark's ASCII punctuation that can start markup inline: every one may be backslash-
# escaped, and escaping these is enough to keep text literal (no emphasis, code, links, HTML,
# tables, autolinks or entity references). '.', '-', '+', '=' matter only at a line's start.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~!&{}])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


def md_text(value: str) -> str:
    """Markdown text that renders as exactly ``value``: no emphasis, links, HTML or lists."""
    text = _MD_INLINE.sub(r"\\\1", value)
    return _MD_LINE_START.sub(lambda m: m.group(1) + _escape_line_start(m.group(2)), text)


def _escape_line_start(marker: str) -> str:
    # "1." -> "1\." ; "-" -> "\-"
    return marker[:-1] + "\\" + marker[-1] if len(marker) > 1 else "\\" + marker


# File suffix (or name) -> the filter user text must go through in a file of that kind.
# A kind missing here may not carry user text at all: Python source, and YAML templates
# (.stackgen.yml, the one YAML file with user text, is written by yamlio.quoted).
USER_TEXT_FILTERS = {
    ".json": "json_str",
    ".toml": "toml_str",
    ".md": "md_text",
}
USER_VARIABLES = ("project_name", "description")
FILTERS = {
    "json_str": json_str,
    "toml_str": toml_str,
    "md_text": md_text,
}
