import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_save_address_reload_and_log_out(page):
    """A visitor signs up, logs in, saves an address, sees it after a reload, and logs out."""
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("지민")
    page.get_by_label("E-mail").fill("jimin@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("Welcome, 지민!").wait_for()

    # Log out and back in with the new password.
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("지민")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="지민").click()
    page.get_by_label("Full name").fill("박지민")
    page.get_by_label("Address line 1").fill("테헤란로 152")
    page.get_by_label("City").fill("서울")
    page.get_by_label("Postal code").fill("06236")
    page.get_by_label("Country").select_option("KR")
    page.get_by_role("button", name="Save address").click()
    page.get_by_text("Your shipping address is saved.").wait_for()

    page.reload()
    assert page.get_by_label("Full name").input_value() == "박지민"
    assert page.get_by_label("Address line 1").input_value() == "테헤란로 152"
    assert page.get_by_label("Country").input_value() == "KR"

    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("link", name="Log in").is_visible()
    page.goto("/accounts/profile/")
    assert "/accounts/login/" in page.url
