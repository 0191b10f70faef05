from django.db.models import QuerySet

from accounts.models import ApiToken, ShippingAddress


def shipping_address_of(*, user) -> ShippingAddress | None:
    return ShippingAddress.objects.filter(user=user).first()


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
