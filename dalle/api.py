from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from dalle import selectors, services
from dalle.models import PROMPT_MAX_LENGTH, GeneratedImage
from lib.api import error_response
from lib.client_ip import client_ip


class GenerationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedImage
        fields = [
            "id", "prompt", "size", "status", "error_code", "error_message", "provider", "model",
            "revised_prompt", "width", "height", "visibility", "image_url", "thumbnail_url",
            "status_url", "page_url", "created_at", "started_at", "finished_at",
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


class GenerationCreateSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=PROMPT_MAX_LENGTH, trim_whitespace=True)
    size = serializers.ChoiceField(
        choices=GeneratedImage.Size.choices, default=GeneratedImage.Size.SQUARE
    )


class GenerationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your generations: start one (202, then poll its status URL), list, read, cancel."""

    serializer_class = GenerationSerializer
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return selectors.images_of(user=self.request.user)

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
            if refusal.code == "email_unverified":
                return error_response(refusal.code, refusal.message, status.HTTP_403_FORBIDDEN)
            retry_at = refusal.retry_at.isoformat() if refusal.retry_at else None
            return error_response(
                "limit_reached",
                refusal.message,
                status.HTTP_429_TOO_MANY_REQUESTS,
                retry_at=retry_at,
            )
        data = GenerationSerializer(image, context={"request": request}).data
        return Response(
            data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]}
        )

    @extend_schema(request=None, responses={200: GenerationSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        image = self.get_object()
        try:
            image = services.generation_cancel(image=image)
        except services.TransitionNotAllowed as error:
            return error_response("conflict", str(error), status.HTTP_409_CONFLICT)
        return Response(GenerationSerializer(image, context={"request": request}).data)
