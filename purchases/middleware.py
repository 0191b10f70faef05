"""Keeps the header's cart count right without reading the cart on every page.

Pages are cached and shared, so the count is not drawn into them: it lives in a small cookie
that `static/js/site.js` writes into the header, set whenever the cart changes (views set
`request.cart_count`), at log-in (when a visitor's cart joins the customer's) and dropped at
log-out. Without JavaScript the header shows a plain "Cart" link. What did not fit in the
cart at log-in (the limits on items and copies) is told in a message.
"""

from django.conf import settings
from django.contrib import messages

from purchases import carts

COOKIE = "cart_count"


class CartMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        count = getattr(request, "cart_count", None)
        user = getattr(request, "user", None)
        if user is None:
            return response
        if user.is_authenticated and carts.SESSION_KEY in request.session:
            merged = carts.cart_merge(user=user, session=request.session)
            if merged is not None and merged.message:
                messages.warning(request, merged.message)
            # A token whose cart is gone merges nothing: the count is the account's own.
            cart = merged.cart if merged else carts.cart_find(user=user, session=request.session)
            count = carts.cart_count(cart=cart)
        elif count is None and user.is_authenticated and COOKIE not in request.COOKIES:
            count = carts.cart_count(cart=carts.cart_find(user=user, session=request.session))
        if count is not None:
            response.set_cookie(
                COOKIE,
                str(count),
                max_age=60 * 60 * 24 * 30,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        elif (
            COOKIE in request.COOKIES
            and not user.is_authenticated
            and carts.SESSION_KEY not in request.session
        ):
            response.delete_cookie(COOKIE, samesite="Lax")
        return response
