from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounts.countries import COUNTRY_CHOICES
from lib.api import IsStaff, error_response
from products import selectors as product_selectors
from products.models import Format
from purchases import selectors, services
from purchases.forms import OrderFilterForm
from purchases.models import MAX_QUANTITY, Order, OrderEvent


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["from_status", "to_status", "note", "created_at"]


class OrderSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    short_id = serializers.CharField(read_only=True)
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    format = serializers.CharField(source="format.name", read_only=True)
    total = serializers.CharField(source="total_display", read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id", "short_id", "status", "product", "format", "quantity", "currency",
            "unit_amount", "shipping_amount", "total_amount", "total", "shipping_address",
            "payment_status", "paid_at", "created_at", "updated_at", "events",
        ]  # fmt: skip
        read_only_fields = fields


class StaffOrderSerializer(OrderSerializer):
    customer = serializers.CharField(source="customer.username", read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "customer", "email"]
        read_only_fields = fields


class AddressSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20)
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class OrderCreateSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=80, help_text="The product's slug.")
    format = serializers.PrimaryKeyRelatedField(queryset=Format.objects.filter(active=True))
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    shipping_address = AddressSerializer(required=False, help_text="Required for prints.")


class OrderCreatedSerializer(OrderSerializer):
    checkout_url = serializers.CharField(read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "checkout_url"]
        read_only_fields = fields


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your orders. Creating one returns the checkout URL to pay at."""

    serializer_class = OrderSerializer
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return selectors.orders_list(user=self.request.user).prefetch_related("events")

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderCreatedSerializer})
    def create(self, request):
        incoming = OrderCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        product = product_selectors.product_visible_to(user=request.user, slug=data["product"])
        address = dict(data["shipping_address"]) if "shipping_address" in data else None
        try:
            placed = services.order_place(
                customer=request.user,
                product=product,
                format=data["format"],
                quantity=data["quantity"],
                address=address,
                base_url=request.build_absolute_uri("/"),
            )
        except services.PaymentProviderError:
            return error_response(
                "payment_unavailable",
                "The payment provider could not be reached; the order is saved, try again.",
                status.HTTP_502_BAD_GATEWAY,
            )
        except services.OrderError as error:
            return error_response("invalid", str(error), status.HTTP_400_BAD_REQUEST)
        order = placed.order
        order.checkout_url = placed.checkout_url
        if order.checkout_url.startswith("/"):
            order.checkout_url = request.build_absolute_uri(order.checkout_url)
        return Response(OrderCreatedSerializer(order).data, status=status.HTTP_201_CREATED)


class StaffOrderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every order, for managers: filter by status, dates and search."""

    serializer_class = StaffOrderSerializer
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Order.Status.values),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("q", OpenApiTypes.STR, description="Customer, order id or prompt"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        filters = OrderFilterForm(self.request.query_params).filters()
        return selectors.orders_all(filters=filters).prefetch_related("events")
