from shop.customers.models import Customer
from shop.orders.repositories import open_orders


def open_count():
    return len(open_orders())


def customers_with_open_orders():
    return Customer.objects.filter(orders__status="open")


def lines_of(anything):
    return anything.lines.all()


def addresses(customer):
    return customer.address_set.all()
