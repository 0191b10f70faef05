from dataclasses import asdict

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.countries import COUNTRY_CHOICES
from accounts.services import shipping_address_get
from dalle import selectors as image_selectors
from lib.api import IsStaff, error_response
from products import selectors as product_selectors
from products.models import Format, Product
from products.services import product_for_image
from purchases import carts, receipts, selectors, services
from purchases.forms import OrderFilterForm
from purchases.models import (
    MAX_CART_ITEMS,
    MAX_QUANTITY,
    CartItem,
    Fit,
    Order,
    OrderEvent,
    OrderItem,
    Position,
    Refund,
    Shipment,
)

PAYMENT_UNAVAILABLE = "The payment provider could not be reached; the order is saved, try again."


# Out: orders, carts, receipts.


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["from_status", "to_status", "note", "created_at"]


class OrderItemSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.slug", read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)
    format = serializers.CharField(source="format.name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = OrderItem
        fields = [
            "id", "product", "name", "format", "format_id", "quantity", "fit", "position",
            "unit_amount", "line_amount", "refunded_amount", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download_url(self, item: OrderItem) -> str | None:
        if not item.can_download:
            return None
        path = reverse("order_item_download", args=[item.order.public_id, item.pk])
        return self.context["request"].build_absolute_uri(path)


class ShipmentSerializer(serializers.ModelSerializer):
    items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "carrier", "service", "tracking_number", "tracking_url", "dispatched_at",
            "delivered_at", "items",
        ]  # fmt: skip
        read_only_fields = fields


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["amount", "item_id", "reason", "created_at"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    short_id = serializers.CharField(read_only=True)
    total = serializers.CharField(source="total_display", read_only=True)
    items = OrderItemSerializer(many=True, read_only=True)
    refunds = serializers.SerializerMethodField()
    shipments = ShipmentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id", "short_id", "status", "lab_stage", "shipments", "items", "currency",
            "subtotal_amount",
            "shipping_amount", "total_amount", "total", "refunded_amount", "refunds",
            "shipping_address", "payment_status", "paid_at", "created_at", "updated_at", "events",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(RefundSerializer(many=True))
    def get_refunds(self, order: Order) -> list:
        done = [r for r in order.refunds.all() if r.status == Refund.Status.SUCCEEDED]
        return RefundSerializer(done, many=True).data


class StaffOrderSerializer(OrderSerializer):
    customer = serializers.CharField(source="customer.username", read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "customer", "email"]
        read_only_fields = fields


class OrderCreatedSerializer(OrderSerializer):
    checkout_url = serializers.CharField(read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "checkout_url"]
        read_only_fields = fields


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    product = serializers.CharField(source="item.product.slug")
    name = serializers.CharField(source="item.product.name")
    format = serializers.CharField(source="item.format.name")
    format_id = serializers.IntegerField(source="item.format_id")
    quantity = serializers.IntegerField(source="item.quantity")
    fit = serializers.CharField(source="item.fit")
    position = serializers.CharField(source="item.position")
    unit_amount = serializers.IntegerField()
    line_amount = serializers.IntegerField()
    price_was = serializers.IntegerField(allow_null=True, help_text="Set when the price changed.")
    problem = serializers.CharField(help_text="Why this line cannot be paid for; empty if it can.")


class CartSerializer(serializers.Serializer):
    items = CartLineSerializer(source="lines", many=True)
    count = serializers.IntegerField()
    currency = serializers.CharField()
    subtotal_amount = serializers.IntegerField(source="subtotal")
    shipping_amount = serializers.IntegerField(source="shipping")
    total_amount = serializers.IntegerField(source="total")
    total = serializers.CharField(source="total_display")
    can_checkout = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class ReceiptLineSerializer(serializers.Serializer):
    name = serializers.CharField()
    detail = serializers.CharField()
    quantity = serializers.IntegerField()
    unit = serializers.CharField()
    amount = serializers.CharField()


class ReceiptRefundSerializer(serializers.Serializer):
    date = serializers.DateField()
    amount = serializers.CharField()
    note = serializers.CharField()


class ReceiptSerializer(serializers.Serializer):
    shop_name = serializers.CharField()
    shop_url = serializers.CharField()
    number = serializers.CharField()
    ordered_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    lines = ReceiptLineSerializer(many=True)
    subtotal = serializers.CharField()
    shipping = serializers.CharField(allow_null=True)
    total = serializers.CharField()
    refunds = ReceiptRefundSerializer(many=True)
    net_paid = serializers.CharField()
    payment_method = serializers.CharField()
    billing_email = serializers.CharField()
    shipping_address = serializers.ListField(child=serializers.CharField(), allow_null=True)
    currency = serializers.CharField()


# In: what a client asks for.


class AddressSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20)
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class LineInSerializer(serializers.Serializer):
    """An artwork named by its product's slug, or by one's own (or a public) generation's id."""

    product = serializers.CharField(max_length=80, required=False, help_text="A product's slug.")
    generation = serializers.UUIDField(
        required=False, help_text="A generation's id: your own (public or private) or a public one."
    )
    format = serializers.PrimaryKeyRelatedField(queryset=Format.objects.filter(active=True))
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    fit = serializers.ChoiceField(choices=Fit.choices, required=False, default=Fit.FILL)
    position = serializers.ChoiceField(
        choices=Position.choices, required=False, default=Position.CENTER
    )

    def validate(self, data: dict) -> dict:
        if ("product" in data) == ("generation" in data):
            raise serializers.ValidationError("Name the artwork by `product` or `generation`.")
        return data


class OrderCreateSerializer(serializers.Serializer):
    items = LineInSerializer(many=True, required=False, max_length=MAX_CART_ITEMS)
    # One artwork without `items`, as before orders had several.
    product = serializers.CharField(max_length=80, required=False, help_text="A product's slug.")
    format = serializers.PrimaryKeyRelatedField(
        queryset=Format.objects.filter(active=True), required=False
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    shipping_address = AddressSerializer(
        required=False, help_text="For prints; your profile's address when left out."
    )

    def validate(self, data: dict) -> dict:
        if not data.get("items"):
            if not data.get("product") or not data.get("format"):
                raise serializers.ValidationError(
                    "Give `items`, each with an artwork and a format."
                )
            data["items"] = [
                {"product": data["product"], "format": data["format"], "quantity": data["quantity"]}
            ]
        return data


class CartCheckoutSerializer(serializers.Serializer):
    shipping_address = AddressSerializer(
        required=False, help_text="For prints; your profile's address when left out."
    )


class CartQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)


def _product_of(*, user, line: dict) -> Product:
    """The line's artwork; anything the user may not order is a 404, never a hint."""
    if "generation" in line:
        image = image_selectors.image_visible_to(user=user, public_id=line["generation"])
        if image.status != image.Status.SUCCEEDED:
            # Before product_for_image, which would make a product for a picture still painting.
            raise serializers.ValidationError("This image is not ready to order yet.")
        return product_for_image(image=image)
    return product_selectors.product_visible_to(user=user, slug=line["product"])


def _address(*, user, given: dict | None) -> dict | None:
    if given is not None:
        return dict(given)
    profile = shipping_address_get(user=user)
    if profile is None:
        return None
    return {name: str(getattr(profile, name) or "") for name in AddressSerializer().fields}


def _checkout_url(request, url: str) -> str:
    return request.build_absolute_uri(url) if url.startswith("/") else url


def _placed(request, placed: services.PlacedOrder) -> Response:
    order = selectors.order_get(user=request.user, public_id=placed.order.public_id)
    order.checkout_url = _checkout_url(request, placed.checkout_url)
    data = OrderCreatedSerializer(order, context={"request": request}).data
    return Response(data, status=status.HTTP_201_CREATED)


def _order_refused(error: services.OrderError) -> Response:
    if isinstance(error, services.PaymentProviderError):
        return error_response(
            "payment_unavailable", PAYMENT_UNAVAILABLE, status.HTTP_502_BAD_GATEWAY
        )
    if isinstance(error, services.PricesChanged):
        return error_response("prices_changed", str(error), status.HTTP_409_CONFLICT)
    return error_response("invalid", str(error), status.HTTP_400_BAD_REQUEST)


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your orders. Creating one (several items at once) returns the checkout URL to pay at."""

    serializer_class = OrderSerializer
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return selectors.orders_list(user=self.request.user).prefetch_related(
            "events", "refunds", "shipments__items"
        )

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderCreatedSerializer})
    def create(self, request):
        incoming = OrderCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        lines = [
            services.LineRequest(
                product=_product_of(user=request.user, line=line),
                format=line["format"],
                quantity=line.get("quantity", 1),
                fit=line.get("fit", Fit.FILL),
                position=line.get("position", Position.CENTER),
            )
            for line in data["items"]
        ]
        try:
            placed = services.order_place(
                customer=request.user,
                lines=lines,
                address=_address(user=request.user, given=data.get("shipping_address")),
                base_url=request.build_absolute_uri("/"),
            )
        except services.OrderError as error:
            return _order_refused(error)
        return _placed(request, placed)

    @extend_schema(request=None, responses={200: ReceiptSerializer})
    @action(detail=True, methods=["get"])
    def receipt(self, request, public_id=None):
        """The paid order's receipt, as on its printable page."""
        order = self.get_object()
        if not order.paid_at:
            return error_response(
                "not_paid", "The receipt is ready once the order is paid.", status.HTTP_409_CONFLICT
            )
        return Response(ReceiptSerializer(asdict(receipts.receipt_for(order=order))).data)


class CartView(APIView):
    """Your cart, priced now: lines, problems, shipping and the total."""

    @extend_schema(responses={200: CartSerializer})
    def get(self, request):
        cart = carts.cart_find(user=request.user, session=request.session)
        return Response(CartSerializer(carts.cart_review(cart=cart, user=request.user)).data)


class CartItemsView(APIView):
    @extend_schema(request=LineInSerializer, responses={201: CartSerializer})
    def post(self, request):
        """Add an artwork to the cart (the same artwork, format and crop again adds copies)."""
        incoming = LineInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        line = incoming.validated_data
        product = _product_of(user=request.user, line=line)
        try:
            carts.cart_add(
                user=request.user,
                session=request.session,
                product=product,
                format=line["format"],
                quantity=line["quantity"],
                fit=line["fit"],
                position=line["position"],
            )
        except carts.CartError as error:
            return error_response("invalid", str(error), status.HTTP_400_BAD_REQUEST)
        return _cart_response(request, status.HTTP_201_CREATED)


class CartItemView(APIView):
    @extend_schema(request=CartQuantitySerializer, responses={200: CartSerializer})
    def patch(self, request, item_id: int):
        """Change the number of copies; 0 takes the item out."""
        incoming = CartQuantitySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            carts.cart_item_set_quantity(
                user=request.user,
                session=request.session,
                item_id=item_id,
                quantity=incoming.validated_data["quantity"],
            )
        except CartItem.DoesNotExist:
            return error_response("not_found", "No such item in your cart.", 404)
        except carts.CartError as error:
            return error_response("invalid", str(error), status.HTTP_400_BAD_REQUEST)
        return _cart_response(request)

    @extend_schema(request=None, responses={200: CartSerializer})
    def delete(self, request, item_id: int):
        try:
            carts.cart_item_remove(user=request.user, session=request.session, item_id=item_id)
        except CartItem.DoesNotExist:
            return error_response("not_found", "No such item in your cart.", 404)
        return _cart_response(request)


class CartCheckoutView(APIView):
    @extend_schema(request=CartCheckoutSerializer, responses={201: OrderCreatedSerializer})
    def post(self, request):
        """One order and one payment session for the whole cart (409 when prices changed)."""
        incoming = CartCheckoutSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        cart = carts.cart_find(user=request.user, session=request.session)
        if cart is None:
            return error_response("invalid", "Your cart is empty.", status.HTTP_400_BAD_REQUEST)
        given = incoming.validated_data.get("shipping_address")
        try:
            placed = services.checkout_start(
                customer=request.user,
                cart=cart,
                address=_address(user=request.user, given=given),
                base_url=request.build_absolute_uri("/"),
            )
        except services.OrderError as error:
            return _order_refused(error)
        return _placed(request, placed)


def _cart_response(request, code: int = status.HTTP_200_OK) -> Response:
    cart = carts.cart_find(user=request.user, session=request.session)
    return Response(CartSerializer(carts.cart_review(cart=cart, user=request.user)).data, code)


class StaffOrderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every order, for managers: filter by status, dates and search."""

    serializer_class = StaffOrderSerializer
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Order.Status.values),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Customer, ship-to name, order id or prompt"
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        filters = OrderFilterForm(self.request.query_params).filters()
        return selectors.orders_all(filters=filters).prefetch_related(
            "events", "refunds", "shipments__items"
        )
