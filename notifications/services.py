"""Sending a notification (once per event, with an e-mail when wanted) and reading them."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from lib.mail import mail_enqueue
from notifications.cache import notifications_changed
from notifications.models import EmailChoice, Notification

Kind = Notification.Kind


def notification_send(
    *, recipient, kind: str, text: str, event_key: str, url: str = ""
) -> Notification | None:
    """Tell `recipient` that something happened; None when this event was already told.

    Runs inside the caller's transaction: the notification exists exactly when the change it
    tells of does, and its e-mail (if the person wants one) leaves once that commits.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, text=text[:300], url=url[:300], event_key=event_key
            )
    except IntegrityError:
        return None
    notifications_changed(user_id=recipient.pk)
    wanted = kind in Notification.EMAIL_ALWAYS or (
        kind in Notification.EMAIL_OPTIONAL
        and EmailChoice.objects.filter(user=recipient, kind=kind).exists()
    )
    if wanted and recipient.email:
        mail_enqueue(
            "notifications/notification",
            to=[recipient.email],
            context={"notification": notification, "recipient": recipient},
        )
    return notification


def notification_read(*, user, notification_id: int) -> bool:
    """Mark one of the person's notifications read; False when there is no such unread one."""
    changed = Notification.objects.filter(recipient=user, pk=notification_id, read_at=None).update(
        read_at=timezone.now()
    )
    if changed:
        notifications_changed(user_id=user.pk)
    return bool(changed)


def notifications_read_all(*, user) -> int:
    changed = Notification.objects.filter(recipient=user, read_at=None).update(
        read_at=timezone.now()
    )
    if changed:
        notifications_changed(user_id=user.pk)
    return changed


@transaction.atomic
def email_kinds_save(*, user, kinds: set[str]) -> None:
    """The kinds the person wants by e-mail from now on (only the optional ones count)."""
    kinds = {kind for kind in kinds if kind in Notification.EMAIL_OPTIONAL}
    EmailChoice.objects.filter(user=user).exclude(kind__in=kinds).delete()
    EmailChoice.objects.bulk_create(
        [EmailChoice(user=user, kind=kind) for kind in kinds], ignore_conflicts=True
    )
