from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chatbot import selectors, services
from chatbot.forms import HandoffForm, MessageForm, proposal_address_form
from chatbot.models import ProposedAction
from lib.client_ip import client_ip

REFUSAL_STATUS = {
    services.ChatRefused.EMPTY: 400,
    services.ChatRefused.TOO_LONG: 400,
    services.ChatRefused.RATE_LIMITED: 429,
}


def _context(request: HttpRequest, conversation, address_forms=None, **extra) -> dict:
    email = request.user.email if request.user.is_authenticated else ""
    chat_messages = list(selectors.conversation_messages(conversation=conversation))
    _with_address_forms(chat_messages, address_forms or {})
    return {
        "conversation": conversation,
        "chat_messages": chat_messages,
        "latest_message": chat_messages[-1] if chat_messages else None,
        "reply_awaited": selectors.reply_awaited(conversation=conversation),
        "form": MessageForm(),
        "handoff_form": HandoffForm(initial={"email": email}),
        "support_email": settings.SUPPORT_EMAIL,
        **extra,
    }


def _with_address_forms(chat_messages: list, bound: dict) -> None:
    """Each open address-change button gets its form: the one just sent back, or a fresh one."""
    for message in chat_messages:
        for proposal in message.proposals.all():
            if proposal.kind == ProposedAction.Kind.ADDRESS and proposal.is_open:
                proposal.form = bound.get(proposal.pk) or proposal_address_form(proposal)


def _latest(conversation) -> str:
    """The contact page at the newest message, for the pages that work without JavaScript."""
    latest = conversation.messages.order_by("-created_at", "-id").first()
    return reverse("contact") + (f"#chat-message-{latest.pk}" if latest else "")


def contact(request: HttpRequest) -> HttpResponse:
    conversation = services.conversation_current(user=request.user, session=request.session)
    reloads = request.GET.get("reload", "")
    reload_next = int(reloads) % 1000 + 1 if reloads.isdigit() and len(reloads) < 4 else 1
    context = _context(request, conversation, reload_next=reload_next)
    return render(request, "chatbot/contact.html", context)


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
    return redirect(_latest(conversation))


@require_POST
def chat_confirm(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """A confirmation button in the chat: the one way the bot's proposal is acted on."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("contact"))
    conversation = services.conversation_current(user=request.user, session=request.session)
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    address = None
    if proposal.kind == ProposedAction.Kind.ADDRESS and proposal.is_open:
        form = proposal_address_form(proposal, data=request.POST)
        if not form.is_valid():
            context = _context(request, conversation, address_forms={proposal.pk: form})
            template = "chatbot/contact.html#chat" if request.htmx else "chatbot/contact.html"
            return render(request, template, context, status=400)
        address = {name: str(value) for name, value in form.cleaned_data.items()}
    try:
        services.proposal_confirm(proposal_id=proposal.pk, user=request.user, address=address)
    except services.ProposalGone as gone:
        raise Http404("No such proposal") from gone
    if request.htmx:
        return render(request, "chatbot/contact.html#chat", _context(request, conversation))
    return redirect(_latest(conversation))


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
