from django.apps import AppConfig


class OrdersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orders"
    # The app was called "sales" before the package was renamed; keeping the label keeps
    # the table names and the migration history valid.
    label = "sales"
    verbose_name = "Sales"
