from django.core.mail import send_mail
from django.tasks import task


@task(queue_name="interactive")
def email_send(*, subject: str, body: str, to: list[str], html: str | None = None) -> int:
    """Send one e-mail outside the request; the SMTP server may be slow or down."""
    return send_mail(subject, body, None, to, html_message=html)
