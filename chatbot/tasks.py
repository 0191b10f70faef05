from django.tasks import task

from chatbot.replies import chat_reply


@task(queue_name="interactive")
def chat_answer(message_id: int) -> None:
    """The bot's reply to one customer message; a second run for the same message does nothing."""
    chat_reply(message_id=message_id)
