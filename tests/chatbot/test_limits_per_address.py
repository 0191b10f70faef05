from django.test import Client
from django.urls import reverse

from chatbot.models import Message


def test_visitors_from_one_address_share_the_chat_limit(settings, demo_shop):
    """A fresh cookie is not a fresh allowance: visitors are counted per client address too."""
    settings.CHATBOT_RATE_LIMIT_PER_IP = 2
    for _ in range(2):
        Client().post(reverse("chat_message"), {"message": "How much is a print?"})
    response = Client().post(
        reverse("chat_message"), {"message": "How much is a print?"}, follow=True
    )
    assert "Your network has sent 2 messages" in response.content.decode()
    assert Message.objects.filter(role=Message.Role.USER).count() == 2
    other = Client(REMOTE_ADDR="198.51.100.20")
    other.post(reverse("chat_message"), {"message": "How much is a print?"})
    assert Message.objects.filter(role=Message.Role.USER).count() == 3
