"""API key authentication, kept apart from lib.api: DRF imports it while it loads itself."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.services import api_token_user


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer aig_…` with a key the user made on their profile page."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as 'Authorization: Bearer <key>'."
            )
        user = api_token_user(key=parts[1].decode(errors="replace"))
        if user is None:
            raise exceptions.AuthenticationFailed(
                "This API key is not valid (revoked or mistyped)."
            )
        return user, None

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A key from your profile page."}
