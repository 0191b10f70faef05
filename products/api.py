from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from dalle import selectors as dalle_selectors
from dalle.services import TransitionNotAllowed
from lib.api import error_response
from products import selectors, services
from products.models import Format, Product


class FormatSerializer(serializers.ModelSerializer):
    currency = serializers.SerializerMethodField()

    class Meta:
        model = Format
        fields = [
            "id",
            "name",
            "kind",
            "medium",
            "price",
            "currency",
            "width_cm",
            "height_cm",
            "min_dpi",
        ]

    def get_currency(self, fmt: Format) -> str:
        return settings.SHOP_CURRENCY


class ProductSerializer(serializers.ModelSerializer):
    prompt = serializers.CharField(source="image.prompt")
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField(source="image.width")
    height = serializers.IntegerField(source="image.height")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "slug",
            "name",
            "prompt",
            "width",
            "height",
            "thumbnail_url",
            "page_url",
            "created_at",
        ]

    def get_thumbnail_url(self, product: Product) -> str:
        return self.context["request"].build_absolute_uri(product.image.thumbnail_src)

    def get_page_url(self, product: Product) -> str:
        return self.context["request"].build_absolute_uri(product.get_absolute_url())


class FormatViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The formats on sale, with their prices."""

    serializer_class = FormatSerializer
    permission_classes = [permissions.AllowAny]
    queryset = Format.objects.filter(active=True)


class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public products, newest first; `?q=` searches the prompts."""

    serializer_class = ProductSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.shop_products(query=self.request.query_params.get("q", "")[:200])

    def get_object(self):
        return selectors.product_visible_to(user=self.request.user, slug=self.kwargs["slug"])


class PublishSerializer(serializers.Serializer):
    public = serializers.BooleanField(
        help_text="True shares it in the shop; false makes it private."
    )


class PublishedSerializer(serializers.Serializer):
    visibility = serializers.CharField()
    product = ProductSerializer(allow_null=True)


class ImagePublishView(APIView):
    """Share one of your finished images in the shop (it becomes a product), or take it back."""

    @extend_schema(request=PublishSerializer, responses={200: PublishedSerializer})
    def post(self, request, public_id):
        incoming = PublishSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        image = dalle_selectors.image_owned_by(user=request.user, public_id=public_id)
        try:
            product = services.image_publish(image=image, public=incoming.validated_data["public"])
        except TransitionNotAllowed as error:
            return error_response("conflict", str(error), status.HTTP_409_CONFLICT)
        image.refresh_from_db()
        data = {
            "visibility": image.visibility,
            "product": ProductSerializer(product, context={"request": request}).data
            if product
            else None,
        }
        return Response(data)
