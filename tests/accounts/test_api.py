import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, ShippingAddress

pytestmark = pytest.mark.django_db
PROFILE = "/api/v1/profile/"


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_user_creates_uses_and_revokes_an_api_key(user_client, user, client):
    """A key made on the profile page works once shown, is stored hashed, and dies on revoke."""
    page = user_client.post(reverse("api_token_create"), {"name": "My phone app"}).content.decode()
    key = page.split('<pre class="api-key"><code>')[1].split("</code>")[0]
    assert key.startswith("aig_")
    token = ApiToken.objects.get(user=user)
    assert key not in (token.key_hash, token.hint)
    assert key not in user_client.get(reverse("profile")).content.decode()  # shown once only

    anonymous = Client()
    assert anonymous.get(PROFILE, headers=bearer(key)).json()["username"] == user.username
    user_client.post(reverse("api_token_revoke", args=[token.pk]))
    refused = anonymous.get(PROFILE, headers=bearer(key))
    assert refused.status_code == 401
    assert refused.json() == {
        "error": {
            "code": "authentication_failed",
            "message": "This API key is not valid (revoked or mistyped).",
        }
    }


def test_nobody_revokes_someone_elses_key(client, user, other_user):
    """Revoking another user's key does nothing."""
    from accounts.services import api_token_create

    token, _ = api_token_create(user=other_user, name="theirs")
    client.force_login(user)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_profile_requires_authentication(client):
    """Anonymous calls get a 401 or 403 in the common error shape."""
    response = client.get(PROFILE)
    assert response.status_code in (401, 403)
    assert set(response.json()["error"]) == {"code", "message"}


def test_profile_read_and_update(user_client, user):
    """PUT sets the address, PATCH changes one field, bad input says which field."""
    address = {
        "full_name": "이서연",
        "line1": "1 Road",
        "city": "Seoul",
        "postal_code": "04524",
        "country": "KR",
    }
    response = user_client.put(PROFILE, address, content_type="application/json")
    assert response.status_code == 200
    assert ShippingAddress.objects.get(user=user).full_name == "이서연"
    user_client.patch(PROFILE, {"city": "Busan"}, content_type="application/json")
    assert user_client.get(PROFILE).json()["city"] == "Busan"
    bad = user_client.patch(
        PROFILE, {"country": "XX", "postal_code": "1" * 30}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"country", "postal_code"}


def test_session_auth_needs_csrf(user):
    """The site's own scripts use the session, and must send the CSRF token."""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.patch(PROFILE, {"city": "Busan"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
