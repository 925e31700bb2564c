"""Every test here carries the `soak` marker: `pytest -m soak` runs the short soak alone,
`pytest -m "not soak"` everything else; the full volumes are `benchmarks/soak.py`."""

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/soak/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.soak)
