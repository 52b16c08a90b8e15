"""Every file a rendered Dockerfile COPYs from the build context must be in the project: no
Docker engine runs here, and hadolint does not look at the context, so without this a store
whose project lacks a copied path (alembic.ini on MongoDB) would only fail at `docker build`."""

import pytest

from generator.catalog import default_catalog
from generator.matrix import all_stacks, describe
from generator.render import render, units_of

CATALOG = default_catalog()
# Deploy choices do not change the Dockerfile; one stack per application is enough.
STACKS = list(
    {
        (
            s.selections["language"],
            s.selections["architecture"],
            s.selections["database"],
            s.selections["api"],
        ): s
        for s in all_stacks(CATALOG)
    }.values()
)


def copied_sources(dockerfile: str) -> list[str]:
    """The build-context sources of every COPY (not those from another stage)."""
    sources: list[str] = []
    for line in dockerfile.splitlines():
        words = line.split()
        if not words or words[0].upper() != "COPY":
            continue
        arguments = [w for w in words[1:] if not w.startswith("--")]
        if any(w.startswith("--from") for w in words[1:]):
            continue
        sources += arguments[:-1]
    return sources


def test_copied_sources_are_parsed() -> None:
    dockerfile = "COPY a b ./\nCOPY --chown=1 c ./c\nCOPY --from=build /x /x\n# COPY d ./"
    assert copied_sources(dockerfile) == ["a", "b", "c"]


@pytest.mark.parametrize("stack", STACKS, ids=describe)
def test_every_copied_path_exists(stack, tmp_path) -> None:
    project = tmp_path / "p"
    render(stack, CATALOG, project)
    if not any(u.kind == "http-service" for u in units_of(stack, CATALOG)):
        assert not (project / "Dockerfile").exists()  # (a function is no image)
        return
    sources = copied_sources((project / "Dockerfile").read_text())
    assert sources
    for source in sources:
        if "*" in source:  # an optional file (uv.lock*, package-lock.json*)
            continue
        assert (project / source).exists(), f"the Dockerfile copies {source}, which is not there"
