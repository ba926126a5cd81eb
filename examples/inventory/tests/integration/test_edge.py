import pytest

from inventory.orders import Order, fulfil
from inventory.stock import OutOfStock


def test_fulfil_unknown_sku(stock):
    order = Order()
    order.add("plum", 1)
    with pytest.raises(OutOfStock):
        fulfil(order, stock)


def test_empty_order(stock):
    fulfil(Order(), stock)
    assert stock.levels == {"apple": 10, "pear": 3}
