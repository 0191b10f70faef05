from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from dalle import selectors, services
from dalle.models import PROMPT_MAX_LENGTH, STYLE_CHOICES, GeneratedImage
from lib.api import error_response
from lib.client_ip import client_ip


class GenerationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    remix_of = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedImage
        fields = [
            "id", "prompt", "size", "style", "status", "error_code", "error_message", "provider",
            "model", "revised_prompt", "width", "height", "visibility", "remix_of", "image_url",
            "thumbnail_url", "status_url", "page_url", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_status_url(self, image: GeneratedImage) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api-generation-detail", args=[image.public_id])
        )

    def get_page_url(self, image: GeneratedImage) -> str:
        return self.context["request"].build_absolute_uri(image.get_absolute_url())

    def get_image_url(self, image: GeneratedImage) -> str | None:
        """The checked address of the original (it answers with the file, or a signed URL)."""
        if not image.image:
            return None
        return self.context["request"].build_absolute_uri(image.original_src)

    def get_thumbnail_url(self, image: GeneratedImage) -> str | None:
        if not image.preview and not image.thumbnail:
            return None
        return self.context["request"].build_absolute_uri(image.thumbnail_src)

    def get_remix_of(self, image: GeneratedImage) -> str | None:
        """The id of the public image this one remixes (None once that is no longer public)."""
        original = image.remix_of if image.remix_of_id else None
        return str(original.public_id) if original is not None and original.is_public else None


class GenerationCreateSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=PROMPT_MAX_LENGTH, trim_whitespace=True)
    size = serializers.ChoiceField(
        choices=GeneratedImage.Size.choices, default=GeneratedImage.Size.SQUARE
    )
    style = serializers.ChoiceField(choices=STYLE_CHOICES, default="", allow_blank=True)


# A refused request's answer, by the refusal's code (the rest are limits: 429).
REFUSAL_STATUS = {
    "email_unverified": status.HTTP_403_FORBIDDEN,
    "prompt_blocked": status.HTTP_400_BAD_REQUEST,
    "remix_not_public": status.HTTP_400_BAD_REQUEST,
    "bad_count": status.HTTP_400_BAD_REQUEST,
}


def refusal_response(refusal: services.GenerationRefused) -> Response:
    """A refused generation in the API's one error shape."""
    answer = REFUSAL_STATUS.get(refusal.code, status.HTTP_429_TOO_MANY_REQUESTS)
    if answer != status.HTTP_429_TOO_MANY_REQUESTS:
        return error_response(refusal.code, refusal.message, answer)
    retry_at = refusal.retry_at.isoformat() if refusal.retry_at else None
    return error_response("limit_reached", refusal.message, answer, retry_at=retry_at)


def accepted_response(image: GeneratedImage, request) -> Response:
    data = GenerationSerializer(image, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


class GenerationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your generations: start one (202, then poll its status URL), list, read, cancel."""

    serializer_class = GenerationSerializer
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return selectors.images_of(user=self.request.user).select_related("remix_of")

    def get_throttles(self):
        if self.action == "create":
            self.throttle_scope = "generations"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(request=GenerationCreateSerializer, responses={202: GenerationSerializer})
    def create(self, request):
        incoming = GenerationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            image = services.generation_request(
                user=request.user, client_ip=client_ip(request), **incoming.validated_data
            )
        except services.GenerationRefused as refusal:
            return refusal_response(refusal)
        return accepted_response(image, request)

    @extend_schema(request=None, responses={200: GenerationSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        image = self.get_object()
        try:
            image = services.generation_cancel(image=image)
        except services.TransitionNotAllowed as error:
            return error_response("conflict", str(error), status.HTTP_409_CONFLICT)
        return Response(GenerationSerializer(image, context={"request": request}).data)
