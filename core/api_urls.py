from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import ProfileView
from dalle.api import GenerationViewSet
from gallery.api import CreatorViewSet, ExploreViewSet, PublicImageViewSet
from notifications.api import NotificationViewSet
from products.api import FormatViewSet, ImagePublishView, ProductViewSet
from purchases.api import (
    CartCheckoutView,
    CartItemsView,
    CartItemView,
    CartView,
    OrderViewSet,
    StaffOrderViewSet,
)

router = SimpleRouter()
router.register("generations", GenerationViewSet, basename="api-generation")
router.register("products", ProductViewSet, basename="api-product")
router.register("formats", FormatViewSet, basename="api-format")
router.register("orders", OrderViewSet, basename="api-order")
router.register("staff/orders", StaffOrderViewSet, basename="api-staff-order")
router.register("explore", ExploreViewSet, basename="api-explore")
router.register("images", PublicImageViewSet, basename="api-image")
router.register("creators", CreatorViewSet, basename="api-creator")
router.register("notifications", NotificationViewSet, basename="api-notification")

urlpatterns = [
    path("profile/", ProfileView.as_view(), name="api-profile"),
    path(
        "generations/<uuid:public_id>/publish/",
        ImagePublishView.as_view(),
        name="api-generation-publish",
    ),
    path("cart/", CartView.as_view(), name="api-cart"),
    path("cart/items/", CartItemsView.as_view(), name="api-cart-items"),
    path("cart/items/<int:item_id>/", CartItemView.as_view(), name="api-cart-item"),
    path("cart/checkout/", CartCheckoutView.as_view(), name="api-cart-checkout"),
    *router.urls,
]
