from django.http import HttpRequest


def viewer_key(request: HttpRequest) -> str:
    """Who a cached page is for: everyone (visitors), or one signed-in user.

    A signed-in user's pages hold forms with their CSRF token, so their CSRF secret is part
    of the key: after a new login (a new secret) the old entries are simply never hit.
    """
    if not request.user.is_authenticated:
        return "anonymous"
    return f"user:{request.user.pk}:{request.META.get('CSRF_COOKIE', '')}"
