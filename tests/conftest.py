import pytest

from generator.catalog import Catalog, default_catalog


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spread the slow tests (each matrix stack takes minutes) over pytest-xdist's workers.

    With `--dist worksteal` (pyproject) the run is split into consecutive parts, one a worker
    (two on CI's machine), and a worker that runs out takes half of what another still has,
    from its end. So each half starts with half the slow tests and ends with quick ones: the
    workers run stacks side by side, and the run ends on quick tests filling both in, not on
    one worker running the last stacks alone while the other has nothing left."""
    slow = [item for item in items if item.get_closest_marker("slow")]
    quick = [item for item in items if not item.get_closest_marker("slow")]
    half = len(quick) // 2
    items[:] = slow[0::2] + quick[:half] + slow[1::2] + quick[half:]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture(autouse=True)
def no_team_preset(monkeypatch, tmp_path_factory) -> None:
    """A developer's own team preset ($STACKGEN_PRESET, ~/.config/stackgen/preset.yml) never
    reaches a test: tests that want one set it themselves."""
    monkeypatch.delenv("STACKGEN_PRESET", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
