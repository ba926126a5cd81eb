import pytest

from inventory.stock import OutOfStock


def test_receive(stock):
    stock.receive("apple", 5)
    assert stock.levels["apple"] == 15


def test_receive_rejects_zero(stock):
    with pytest.raises(ValueError):
        stock.receive("apple", 0)


def test_take(stock):
    stock.take("apple", 4)
    assert stock.levels["apple"] == 6


def test_take_too_much(stock):
    with pytest.raises(OutOfStock):
        stock.take("pear", 4)


def test_low(stock):
    assert stock.low() == ["pear"]
