from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import ShippingAddress
from tests.factories import PASSWORD, UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db

KOREAN_ADDRESS = {
    "full_name": "김민지",
    "line1": "세종대로 110",
    "line2": "3층",
    "city": "서울특별시",
    "region": "중구",
    "postal_code": "04524",
    "country": "KR",
    "phone": "+82 2-120",
}


def test_sign_up_creates_account_and_logs_in(client):
    """A visitor signs up with username, e-mail and a strong password and is logged in."""
    response = client.post(
        reverse("signup"),
        {
            "username": "민수",
            "email": "Minsu@Example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="민수")
    assert user.email == "minsu@example.com"
    assert client.get(reverse("profile")).context["user"] == user


def test_sign_up_rejects_weak_password_and_duplicate_email(client):
    """Bad sign-up input shows each problem and creates nothing."""
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "TAKEN@example.com",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "An account with this e-mail already exists" in page
    assert "This password is too short" in page
    assert not User.objects.filter(username="newbie").exists()


def test_log_in_and_log_out(client, user):
    """Log in with the password; log out only by POST."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, user):
    """A wrong password keeps the visitor out and says so."""
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_profile_needs_login(client):
    """The profile page sends anonymous visitors to log in."""
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_profile_saves_korean_address(user_client, user):
    """A Unicode address is saved and shown again on the profile."""
    response = user_client.post(reverse("profile"), KOREAN_ADDRESS, follow=True)
    assert response.status_code == 200
    assert "Your shipping address is saved" in response.content.decode()
    address = ShippingAddress.objects.get(user=user)
    assert address.full_name == "김민지"
    assert address.as_dict()["city"] == "서울특별시"
    assert "세종대로 110" in user_client.get(reverse("profile")).content.decode()


def test_profile_address_errors_are_clear(user_client, user):
    """Missing required fields and an unknown country are reported, and nothing is saved."""
    response = user_client.post(reverse("profile"), {**KOREAN_ADDRESS, "city": "", "country": "XX"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "Select a valid choice" in page
    assert not ShippingAddress.objects.filter(user=user).exists()


def test_password_change(user_client, user):
    """A signed-in user changes the password and can use the new one."""
    new_password = "another long passphrase 42"
    response = user_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_email_is_sent_by_the_worker(
    client, user, run_tasks, django_capture_on_commit_callbacks
):
    """The reset e-mail leaves from the task worker, with a link that sets a new password."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": user.email.upper()})
    assert response.status_code == 302
    assert mail.outbox == []
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = next(line for line in message.body.splitlines() if "/reset/" in line)
    assert link.startswith(settings.SITE_URL), "links in e-mails are absolute, from SITE_URL"
    path = urlsplit(link).path
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "a brand new passphrase 7"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_deactivated_user_is_logged_out_on_the_next_request(user_client, user):
    """The cached signed-in user is dropped when the user is saved: deactivation bites at once."""
    assert user_client.get(reverse("profile")).status_code == 200
    user.is_active = False
    user.save()
    assert user_client.get(reverse("profile")).status_code == 302


def test_password_change_elsewhere_ends_other_sessions(client, user):
    """A password changed in another session logs this one out on its next request."""
    client.force_login(user)
    assert client.get(reverse("profile")).status_code == 200
    user.set_password("a completely new passphrase 5")
    user.save()
    assert client.get(reverse("profile")).status_code == 302


def test_staff_demotion_takes_effect_at_once(client, manager):
    """A manager demoted in the admin loses the managers' pages on the next request."""
    client.force_login(manager)
    assert client.get(reverse("manager_orders")).status_code == 200
    manager.is_staff = False
    manager.save()
    assert client.get(reverse("manager_orders")).status_code == 302


def test_public_profile_name_and_bio_show_on_the_creator_page(client, user):
    """The profile sets a display name and a short bio; the creator page shows both."""
    client.force_login(user)
    response = client.post(
        reverse("public_profile"), {"display_name": "  Mina   Park ", "bio": "I paint seas."}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("Mina Park", "I paint seas.")
    page = client.get(reverse("creator", args=[user.username])).content.decode()
    assert "<h1>Mina Park</h1>" in page and "I paint seas." in page
    too_long = client.post(reverse("public_profile"), {"display_name": "x", "bio": "b" * 301})
    assert too_long.status_code == 400
    assert "at most 300 characters" in too_long.content.decode()
