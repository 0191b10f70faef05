from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from chatbot import selectors, services
from chatbot.forms import HandoffForm, MessageForm
from lib.client_ip import client_ip

REFUSAL_STATUS = {
    services.ChatRefused.EMPTY: 400,
    services.ChatRefused.TOO_LONG: 400,
    services.ChatRefused.RATE_LIMITED: 429,
}


def _context(request: HttpRequest, conversation, **extra) -> dict:
    email = request.user.email if request.user.is_authenticated else ""
    return {
        "conversation": conversation,
        "chat_messages": selectors.conversation_messages(conversation=conversation),
        "reply_awaited": selectors.reply_awaited(conversation=conversation),
        "form": MessageForm(),
        "handoff_form": HandoffForm(initial={"email": email}),
        "support_email": settings.SUPPORT_EMAIL,
        **extra,
    }


def contact(request: HttpRequest) -> HttpResponse:
    conversation = services.conversation_current(user=request.user, session=request.session)
    return render(request, "chatbot/contact.html", _context(request, conversation))


@require_GET
def chat_log(request: HttpRequest) -> HttpResponse:
    """The messages alone, which the chat polls while a reply is on its way."""
    if not request.htmx:
        return redirect("contact")
    conversation = services.conversation_current(user=request.user, session=request.session)
    return render(request, "chatbot/contact.html#chat_log", _context(request, conversation))


@require_POST
def chat_message(request: HttpRequest) -> HttpResponse:
    conversation = services.conversation_current(user=request.user, session=request.session)
    form = MessageForm(request.POST)
    error, status = "", 200
    if form.is_valid():
        try:
            services.chat_send(
                conversation=conversation,
                user=request.user,
                session_key=request.session.session_key or "",
                text=form.cleaned_data["message"],
                client_ip=client_ip(request),
            )
        except services.ChatRefused as refusal:
            error, status = refusal.message, REFUSAL_STATUS[refusal.code]
    else:
        error, status = form.errors["message"][0], 400
    if request.htmx:
        context = _context(request, conversation, chat_error=error)
        return render(request, "chatbot/contact.html#chat", context, status=status)
    if error:
        messages.error(request, error)
    return redirect("contact")


@require_POST
def chat_new(request: HttpRequest) -> HttpResponse:
    services.conversation_new(user=request.user, session=request.session)
    return redirect("contact")


@require_POST
def chat_handoff(request: HttpRequest) -> HttpResponse:
    conversation = services.conversation_current(user=request.user, session=request.session)
    form = HandoffForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter an e-mail address so the team can reply.")
        return redirect("contact")
    services.support_request_create(
        conversation=conversation, user=request.user, email=form.cleaned_data["email"]
    )
    messages.success(request, "Your question is with our team; they will reply by e-mail.")
    return redirect("contact")
