"""The gallery in the API: Explore, likes, remixes and creators (the pages' selectors and
services, in the API's style: DRF views, the one error shape, an OpenAPI schema)."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dalle import selectors as dalle_selectors
from dalle import services as dalle_services
from dalle.api import GenerationSerializer, accepted_response, refusal_response
from dalle.models import PROMPT_MAX_LENGTH, STYLE_CHOICES, GeneratedImage
from gallery import selectors, services
from lib.pagination import Page


class CreatorRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField(source="public_name")
    page_url = serializers.SerializerMethodField()

    def get_page_url(self, user) -> str:
        return self.context["request"].build_absolute_uri(reverse("creator", args=[user.username]))


class CardSerializer(serializers.Serializer):
    """A public image as Explore shows it."""

    id = serializers.UUIDField(source="image.public_id")
    prompt = serializers.CharField(source="image.prompt")
    style = serializers.CharField(source="image.style")
    width = serializers.IntegerField(source="image.width")
    height = serializers.IntegerField(source="image.height")
    thumbnail_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    creator = CreatorRefSerializer()
    likes = serializers.IntegerField()
    liked = serializers.BooleanField(help_text="Whether you like it (false when signed out).")
    window_likes = serializers.IntegerField(
        allow_null=True, help_text="Likes given in the tab's window (today, this week)."
    )
    from_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="Lowest price; null: not sold."
    )
    currency = serializers.SerializerMethodField()
    product_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="image.created_at")

    def get_thumbnail_url(self, card: selectors.Card) -> str:
        return self.context["request"].build_absolute_uri(card.image.thumbnail_src)

    def get_page_url(self, card: selectors.Card) -> str:
        return self.context["request"].build_absolute_uri(card.image.get_absolute_url())

    def get_currency(self, card: selectors.Card) -> str:
        return settings.SHOP_CURRENCY

    def get_product_url(self, card: selectors.Card) -> str | None:
        if not card.product_url:
            return None
        return self.context["request"].build_absolute_uri(card.product_url)


class CardPageSerializer(serializers.Serializer):
    """One page of cards; `next` is null on the last page (no total: it costs a count)."""

    page = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CardSerializer(many=True)


def page_response(request, page: Page) -> Response:
    def link(number: int) -> str:
        query = request.query_params.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    data = {
        "page": page.number,
        "next": link(page.next_page_number()) if page.has_next else None,
        "previous": link(page.previous_page_number()) if page.has_previous else None,
        "results": CardSerializer(page.object_list, many=True, context={"request": request}).data,
    }
    return Response(data)


PAGE = OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1.")


class ExploreViewSet(viewsets.ViewSet):
    """Public images: the newest, or today's or this week's most liked; `q` searches prompts."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("tab", OpenApiTypes.STR, enum=list(selectors.TABS)),
            OpenApiParameter("q", OpenApiTypes.STR, description="Words of the prompt."),
            PAGE,
        ],
        responses=CardPageSerializer,
    )
    def list(self, request):
        tab = request.query_params.get("tab", "")
        page = selectors.explore_page(
            tab=tab if tab in selectors.TABS else selectors.NEWEST,
            query=request.query_params.get("q", "").strip()[:200],
            number=request.query_params.get("page", ""),
            viewer=request.user,
        )
        return page_response(request, page)


class LikeStateSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    likes = serializers.IntegerField()


class RemixSerializer(serializers.Serializer):
    """What may change in a remix; everything left out is the original's."""

    prompt = serializers.CharField(
        max_length=PROMPT_MAX_LENGTH, trim_whitespace=True, required=False
    )
    style = serializers.ChoiceField(choices=STYLE_CHOICES, required=False, allow_blank=True)
    size = serializers.ChoiceField(choices=GeneratedImage.Size.choices, required=False)


class PublicImageViewSet(viewsets.GenericViewSet):
    """A public image: like it, unlike it, or remix it (its prompt becomes your generation)."""

    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    serializer_class = LikeStateSerializer

    def get_object(self) -> GeneratedImage:
        return dalle_selectors.public_image(public_id=self.kwargs["public_id"])

    @extend_schema(request=None, responses={200: LikeStateSerializer})
    @action(detail=True, methods=["post"])
    def like(self, request, public_id=None):
        """Like it (again: no change). DELETE on the same address unlikes it."""
        state = services.like_set(user=request.user, image=self.get_object(), liked=True)
        return Response(LikeStateSerializer(state).data)

    @extend_schema(request=None, responses={200: LikeStateSerializer})
    @like.mapping.delete
    def unlike(self, request, public_id=None):
        state = services.like_set(user=request.user, image=self.get_object(), liked=False)
        return Response(LikeStateSerializer(state).data)

    @extend_schema(request=RemixSerializer, responses={202: GenerationSerializer})
    @action(detail=True, methods=["post"], serializer_class=RemixSerializer)
    def remix(self, request, public_id=None):
        """Start a generation from this image's prompt; it records what it remixes."""
        original = self.get_object()
        incoming = RemixSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        wanted = incoming.validated_data
        try:
            image = dalle_services.generation_request(
                user=request.user,
                prompt=wanted.get("prompt", original.prompt),
                size=wanted.get("size", original.size),
                style=wanted.get("style", original.style),
                remix_of=original,
            )
        except dalle_services.GenerationRefused as refusal:
            return refusal_response(refusal)
        return accepted_response(image, request)


class CreatorSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.public_name")
    bio = serializers.CharField(source="user.bio")
    images = serializers.IntegerField(help_text="Public artworks.")
    likes = serializers.IntegerField(help_text="Likes their public artworks received.")
    page_url = serializers.SerializerMethodField()
    images_url = serializers.SerializerMethodField()

    def get_page_url(self, creator: selectors.Creator) -> str:
        url = reverse("creator", args=[creator.user.username])
        return self.context["request"].build_absolute_uri(url)

    def get_images_url(self, creator: selectors.Creator) -> str:
        url = reverse("api-creator-images", args=[creator.user.username])
        return self.context["request"].build_absolute_uri(url)


class CreatorViewSet(viewsets.GenericViewSet):
    """Creators' public profiles and their public images."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CreatorSerializer
    lookup_field = "username"
    lookup_value_regex = "[^/]+"

    @extend_schema(responses=CreatorSerializer)
    def retrieve(self, request, username=None):
        creator = selectors.creator_of(username=username)
        return Response(CreatorSerializer(creator, context={"request": request}).data)

    @extend_schema(parameters=[PAGE], responses=CardPageSerializer)
    @action(detail=True)
    def images(self, request, username=None):
        creator = selectors.creator_of(username=username)
        page = selectors.creator_page(
            creator=creator.user, number=request.query_params.get("page", ""), viewer=request.user
        )
        return page_response(request, page)
