class OrderRepository:
    def __init__(self, connection):
        self.connection = connection

    def open_orders(self, customer_id):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, status, total FROM sales_order WHERE customer_id = %s AND status = 'open'",
                [customer_id],
            )
            return cursor.fetchall()
