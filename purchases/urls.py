from django.urls import include, path

from purchases import views

urlpatterns = [
    path("order/<str:slug>/", views.order_create, name="order_create"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<uuid:public_id>/", views.order_detail, name="order_detail"),
    path("orders/<uuid:public_id>/pay/", views.order_pay, name="order_pay"),
    path("orders/<uuid:public_id>/success/", views.order_success, name="order_success"),
    path("orders/<uuid:public_id>/canceled/", views.order_canceled, name="order_canceled"),
    path("orders/<uuid:public_id>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<uuid:public_id>/download/", views.order_download, name="order_download"),
    path("test-checkout/", include("purchases.testmode.urls")),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("manager/orders/", views.manager_orders, name="manager_orders"),
    path(
        "manager/orders/<uuid:public_id>/advance/",
        views.manager_order_advance,
        name="manager_order_advance",
    ),
]
