import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """The live record is cached by meeting id and version, which repeat between tests."""
    cache.clear()
    yield
    cache.clear()
