from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from catalog import views as catalog_views
from orders import views as order_views

router = DefaultRouter()
router.register("orders", order_views.OrderViewSet, basename="order")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/categories/<slug:slug>/products/", catalog_views.category_products),
    path("api/customers/<int:customer_id>/orders/", order_views.customer_orders),
    path("staff/orders/attention/", order_views.orders_needing_attention),
    path("staff/orders/<str:number>/notes/", order_views.update_notes),
    path("staff/orders/export.csv", order_views.export_paid_orders),
]
