from decimal import Decimal

import pytest

from inventory.pricing import PriceList, discount, net_to_gross


def test_net_to_gross():
    assert net_to_gross(Decimal("10")) == Decimal("12.00")


@pytest.mark.parametrize(("percent", "expected"), [(0, "10.00"), (50, "5.00"), (100, "0.00")])
def test_discount(percent, expected):
    assert discount(Decimal("10"), percent) == Decimal(expected)


def test_discount_out_of_range():
    with pytest.raises(ValueError, match="out of range"):
        discount(Decimal("10"), 101)


def test_price_list():
    prices = PriceList()
    prices.set("apple", Decimal("1.00"))
    assert prices.gross("apple") == Decimal("1.20")
