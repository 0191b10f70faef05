from rest_framework import serializers
from rest_framework.generics import RetrieveUpdateAPIView

from accounts.models import ADDRESS_FIELDS, ShippingAddress
from accounts.selectors import shipping_address_of
from accounts.services import shipping_address_save


class ProfileSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = ShippingAddress
        fields = ["username", "email", *ADDRESS_FIELDS]

    def save(self, **kwargs):
        data = {k: (v.strip() if isinstance(v, str) else v) for k, v in self.validated_data.items()}
        if self.instance and self.instance.pk:
            data = {**self.instance.as_dict(), **data}
        self.instance = shipping_address_save(user=self.context["request"].user, data=data)
        return self.instance


class ProfileView(RetrieveUpdateAPIView):
    """Your profile and shipping address (PUT replaces it, PATCH changes some fields)."""

    serializer_class = ProfileSerializer

    def get_object(self) -> ShippingAddress:
        user = self.request.user
        return shipping_address_of(user=user) or ShippingAddress(user=user)
