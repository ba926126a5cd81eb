import pytest

from inventory.stock import Stock


@pytest.fixture
def stock():
    s = Stock()
    s.receive("apple", 10)
    s.receive("pear", 3)
    return s
