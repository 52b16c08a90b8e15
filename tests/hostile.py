"""Names and descriptions that once broke generated projects, or could: each a category the
escaping must hold for (tests/test_escaping.py, and the matrix's slow tier gives them to the
covering array's stacks, whose own lint and tests then run)."""

# The exploit: the name closed app/__init__.py's docstring and ran code at import.
EXPLOIT = 'x""";import os;os.system("id>PWNED");"""'

# (name, description) pairs, each valid input that must render a working project.
# (Control and format characters, U+2028/U+2029 among them, are refused: see REFUSED.)
HOSTILE = [
    (EXPLOIT, 'The "orders" service'),
    ("a\\N", "a\\x and a\\"),
    ('Say "hi" """', "Ends in a backslash \\"),
    ("Bob\u2019s API", "Bob\u2019s \u201cfavourite\u201d service"),
    ("Non\u00a0breaking\u00a0API", "Spaces\u00a0that\u00a0do\u00a0not\u00a0break"),
    ("\u0410pi \u0455hop", "A lookalike: \u0410 is Cyrillic, \u0455 too"),
    ("/tmp/x", "Writes to /tmp/x and /var/tmp/y"),
    ("api " + "\u6f22" * 60, "\u5b57" * 200),
    ("{x} $HOME `id` $(id)", "'; DROP TABLE items; -- & <b>bold</b> *em* [a](b) # | ~"),
    ("- Heading 1. > #", "=== --- +++ 1) *** ___"),
    ("double  spaced  API", "key: value # not a comment, &anchor *alias !!tag"),
    ("emoji \U0001f680 API", "\U0001f600 and right to left: \u05e9\u05dc\u05d5\u05dd"),
]

# Refused with one line and exit 2, nothing written.
REFUSED = [
    "tab\there",
    "line\u2028separator",
    "para\u2029separator",
    "right\u202eleft",
    "zero\u200bwidth",
    "{{ 7*7 }}",
    "fastapi",
    "starlette",
    "fastify",
    "\u6f22\u5b57",  # nothing ASCII left for the package name
    "x" * 65,
]
