"""The unread count in the header, cached per person and dropped whenever it changes."""

from lib.caching import bump, version


def scope(user_id: int) -> str:
    return f"notifications:{user_id}"


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}:{version(scope(user_id))}"


def notifications_changed(*, user_id: int) -> None:
    bump(scope(user_id))
