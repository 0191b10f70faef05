"""E-mail in one place: templates found by name, sent by a task once the transaction commits.

`mail_enqueue("purchases/order_status", to=[...], context={...})` renders
`emails/purchases/order_status_subject.txt`, `….txt` and, when it exists, `….html`
(as healthchecks' `hc/lib/emails.py` does). Every template sees `site_url`, the absolute
base of the links, from the one `SITE_URL` setting.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string


@task(queue_name="interactive")
def email_send(*, subject: str, body: str, to: list[str], html: str | None = None) -> int:
    """Send one e-mail outside the request; the SMTP server may be slow or down."""
    return send_mail(subject, body, None, to, html_message=html)


def mail_render(name: str, context: dict) -> tuple[str, str, str | None]:
    """The subject (one line), the text body and the HTML body (None without a template)."""
    context = {"site_url": settings.SITE_URL, **context}
    base = f"emails/{name}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    body = render_to_string(f"{base}.txt", context)
    try:
        html = render_to_string(f"{base}.html", context)
    except TemplateDoesNotExist:
        html = None
    return subject, body, html


def mail_enqueue(name: str, *, to: list[str], context: dict) -> None:
    """Render now (the objects are at hand), send from the worker after the commit."""
    subject, body, html = mail_render(name, context)
    recipients = [address for address in to if address]
    if not recipients:
        return
    transaction.on_commit(
        lambda: email_send.enqueue(subject=subject, body=body, to=recipients, html=html)
    )
