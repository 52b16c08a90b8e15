"""Every store counts the items that match a filter, whichever page is asked for."""

from app.repositories.store import ItemStore


async def test_a_page_past_the_end_still_counts_every_match(items: ItemStore) -> None:
    for name in ("tally one", "tally two", "other"):
        await items.add(name=name, description=None)
    page, total = await items.list(limit=10, offset=5, name_contains="tally")
    assert (list(page), total) == ([], 2)


async def test_a_filter_nothing_matches_counts_none(items: ItemStore) -> None:
    await items.add(name="tally", description=None)
    page, total = await items.list(limit=10, offset=0, name_contains="nothing like it")
    assert (list(page), total) == ([], 0)
