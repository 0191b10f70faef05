from django.urls import include, path

from purchases import views

urlpatterns = [
    path("order/<str:slug>/", views.cart_add, name="cart_add"),
    path("cart/", views.cart_detail, name="cart"),
    path("cart/items/<int:item_id>/", views.cart_item_update, name="cart_item_update"),
    path("cart/items/<int:item_id>/remove/", views.cart_item_remove, name="cart_item_remove"),
    path("cart/checkout/", views.cart_checkout, name="cart_checkout"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<uuid:public_id>/", views.order_detail, name="order_detail"),
    path("orders/<uuid:public_id>/pay/", views.order_pay, name="order_pay"),
    path("orders/<uuid:public_id>/success/", views.order_success, name="order_success"),
    path("orders/<uuid:public_id>/canceled/", views.order_canceled, name="order_canceled"),
    path("orders/<uuid:public_id>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<uuid:public_id>/receipt/", views.order_receipt, name="order_receipt"),
    path("orders/<uuid:public_id>/receipt.pdf", views.order_receipt_pdf, name="order_receipt_pdf"),
    path(
        "orders/<uuid:public_id>/items/<int:item_id>/download/",
        views.order_item_download,
        name="order_item_download",
    ),
    path(
        "orders/<uuid:public_id>/address/", views.order_address_change, name="order_address_change"
    ),
    path("lab/masters/<str:token>/", views.lab_master, name="lab_master"),
    path("test-checkout/", include("purchases.testmode.urls")),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("manager/orders/", views.manager_orders, name="manager_orders"),
    path("manager/orders/export.csv", views.manager_orders_csv, name="manager_orders_csv"),
    path("manager/orders/slips/", views.manager_packing_slips, name="manager_packing_slips"),
    path(
        "manager/orders/<uuid:public_id>/resend/",
        views.manager_order_resend,
        name="manager_order_resend",
    ),
    path(
        "manager/orders/<uuid:public_id>/cancel/",
        views.manager_order_cancel,
        name="manager_order_cancel",
    ),
    path(
        "manager/orders/<uuid:public_id>/items/<int:item_id>/master/",
        views.manager_item_master,
        name="manager_item_master",
    ),
    path(
        "manager/orders/<uuid:public_id>/", views.manager_order_detail, name="manager_order_detail"
    ),
    path(
        "manager/orders/<uuid:public_id>/refund/",
        views.manager_order_refund,
        name="manager_order_refund",
    ),
    path(
        "manager/orders/<uuid:public_id>/lab-retry/",
        views.manager_order_lab_retry,
        name="manager_order_lab_retry",
    ),
    path(
        "manager/orders/<uuid:public_id>/ship/", views.manager_order_ship, name="manager_order_ship"
    ),
    path(
        "manager/orders/<uuid:public_id>/advance/",
        views.manager_order_advance,
        name="manager_order_advance",
    ),
]
