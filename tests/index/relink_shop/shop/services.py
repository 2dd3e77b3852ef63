from shop.repositories import OrderRepository


def dashboard(connection, customer_id):
    repository = OrderRepository(connection)
    return {"open": repository.open_orders(customer_id)}
