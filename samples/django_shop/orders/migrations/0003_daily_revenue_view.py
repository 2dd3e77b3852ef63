"""Daily revenue per currency for the finance dashboard (read by Metabase)."""

from django.db import migrations

CREATE_VIEW = """
CREATE VIEW sales_daily_revenue AS
SELECT date_trunc('day', o.paid_at) AS day,
       o.currency,
       count(*) AS order_count,
       sum(o.total_amount) AS revenue
FROM sales_order AS o
WHERE o.status IN ('paid', 'shipped')
GROUP BY 1, 2
"""

DROP_VIEW = "DROP VIEW IF EXISTS sales_daily_revenue"


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0002_order_discount_code"),
    ]

    operations = [
        migrations.RunSQL(CREATE_VIEW, reverse_sql=DROP_VIEW),
    ]
