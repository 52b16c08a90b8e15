"""schema.graphql is what clients generate code from: it must match the code."""

from pathlib import Path

import pytest

from app.api.graphql import main, schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is stale: run `make schema` and commit it"
    )


def test_make_schema_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    main()
    assert capsys.readouterr().out == schema_sdl()
    assert schema_sdl().startswith('"""A new item."""\ninput CreateItemInput {')
