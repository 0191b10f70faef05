from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications import selectors, services
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(source="is_read")

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "read", "created_at", "read_at"]
        read_only_fields = fields


class ReadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first; mark one or all read. `unread` counts the rest."""

    serializer_class = NotificationSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user)

    @extend_schema(request=None, responses={200: ReadCountSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        self.get_object()  # a 404 for someone else's
        services.notification_read(user=request.user, notification_id=pk)
        return Response({"unread": selectors.unread_count(user=request.user)})

    @extend_schema(request=None, responses={200: ReadCountSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        services.notifications_read_all(user=request.user)
        return Response({"unread": selectors.unread_count(user=request.user)})

    @extend_schema(responses={200: ReadCountSerializer})
    @action(detail=False)
    def unread(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})
