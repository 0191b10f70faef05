"""Abuse limits: log-in lockout, throttles per client address, verified e-mail, sign-up races."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from lib.client_ip import client_ip
from tests.factories import PASSWORD

User = get_user_model()


def _sign_up(client, n: int, **extra):
    return client.post(
        reverse("signup"),
        {
            "username": f"newcomer{n}",
            "email": f"newcomer{n}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        **extra,
    )


def test_wrong_passwords_lock_the_account_until_a_manager_unlocks_it(client, user, settings):
    """After AXES_FAILURE_LIMIT wrong passwords even the right one is refused, with a sentence."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "too many wrong passwords" in response.content.decode()
    other = Client(REMOTE_ADDR="203.0.113.9")  # another address: the account is still locked
    response = other.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    from axes.utils import reset

    reset(username=user.username)  # what the admin's "delete access attempts" does
    reset(ip="127.0.0.1")
    response = other.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_sign_ups_from_one_address_are_throttled(client, settings, db):
    """Past SIGNUP_RATE, one address gets a 429 with a clear message; another still signs up."""
    settings.SIGNUP_RATE = "3/h"
    for n in range(3):
        assert _sign_up(Client(), n).status_code == 302
    response = _sign_up(Client(), 9)
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert _sign_up(Client(REMOTE_ADDR="198.51.100.7"), 10).status_code == 302
    assert User.objects.count() == 4


def test_password_reset_and_api_keys_are_throttled(user_client, user, settings):
    """Reset requests and new API keys per client address stop at their rates."""
    settings.PASSWORD_RESET_RATE = "2/h"
    settings.API_KEY_CREATE_RATE = "2/h"
    for _ in range(2):
        assert Client().post(reverse("password_reset"), {"email": user.email}).status_code == 302
    assert Client().post(reverse("password_reset"), {"email": user.email}).status_code == 429
    for n in range(2):
        user_client.post(reverse("api_token_create"), {"name": f"k{n}"})
    assert user_client.post(reverse("api_token_create"), {"name": "k3"}).status_code == 429
    assert user.api_tokens.count() == 2


def test_the_same_api_key_form_sent_twice_makes_one_key(user_client, user):
    """A double click or a reload of the same form makes no second key."""
    data = {"name": "phone", "once": "form-abc"}
    assert user_client.post(reverse("api_token_create"), data).status_code == 200
    assert user_client.post(reverse("api_token_create"), data).status_code == 302
    assert user.api_tokens.count() == 1


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(settings):
    """The right-most untrusted hop is the client; a direct caller cannot forge one."""
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    factory = RequestFactory()
    chain = "6.6.6.6, 198.51.100.1, 10.1.2.3"
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=chain)
    assert client_ip(request) == "198.51.100.1"  # right-most untrusted
    request = factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=chain)
    assert client_ip(request) == "203.0.113.5"  # not a proxy: the header is ignored
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="junk, \x01")
    assert client_ip(request) == "127.0.0.1"


def test_a_newcomer_verifies_the_email_before_the_first_image(
    client, settings, db, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    """Sign-up e-mails a signed link; generation waits for it; then the first image starts."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "required"
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, 1)
    assert response.url == reverse("email_verify_pending")
    run_tasks()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/verify/" in line)
    create = {"prompt": "A lighthouse in the fog", "size": "1024x1024"}
    response = client.post(reverse("image_create"), create)
    assert response.url == reverse("email_verify_pending")
    assert (
        "Development: verify now"
        not in client.get(reverse("email_verify_pending")).content.decode()
    )
    response = client.get(link.split(settings.SITE_URL, 1)[1])
    assert response.status_code == 302
    assert client.post(reverse("image_create"), create).status_code == 302


def test_development_shows_the_verify_link_on_the_page(client, settings, db):
    """With link-shown, the newcomer verifies without leaving the browser; forged links fail."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "link-shown"
    _sign_up(client, 2)
    page = client.get(reverse("email_verify_pending")).content.decode()
    assert "Development: verify now" in page
    assert client.get(reverse("email_verify", args=["forged"])).status_code == 400


def test_accounts_from_one_address_share_a_daily_generation_cap(client, settings, user):
    """New accounts from one address do not bring new daily allowances."""
    settings.GENERATION_DAILY_LIMIT_PER_IP = 1
    client.force_login(user)
    create = {"prompt": "A red kite", "size": "1024x1024"}
    assert client.post(reverse("image_create"), create).status_code == 302
    response = client.post(reverse("image_create"), create)
    assert response.status_code == 429 and "Your network" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ups_with_one_email_make_one_account():
    """Five sign-ups at once, one e-mail in different letter case: one account, no 500."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    statuses, barrier = [], threading.Barrier(5)

    def sign_up(n: int) -> None:
        barrier.wait()
        client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
        response = client.post(
            reverse("signup"),
            {
                "username": f"racer{n}",
                "email": ["Same@Example.com", "same@example.com", "SAME@EXAMPLE.COM"][n % 3],
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 400, 400, 400, 400]
    assert User.objects.filter(email__iexact="same@example.com").count() == 1
