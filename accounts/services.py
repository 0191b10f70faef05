from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import ShippingAddress

User = get_user_model()


@transaction.atomic
def user_sign_up(*, username: str, email: str, password: str) -> User:
    return User.objects.create_user(username=username, email=email, password=password)


def shipping_address_get(*, user: User) -> ShippingAddress | None:
    return ShippingAddress.objects.filter(user=user).first()


def shipping_address_save(*, user: User, data: dict[str, str]) -> ShippingAddress:
    address, _ = ShippingAddress.objects.update_or_create(user=user, defaults=data)
    return address
