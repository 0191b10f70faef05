"""The gateway to the support bot: OpenAI (or a compatible server) and an offline FAQ matcher.

`get_chat_provider()` returns the one the settings choose. Both answer from `ShopFacts` (live
shop data and the FAQ) and, for signed-in customers, from `OrderTools`, which the services
bind to that customer, so no prompt can reach anyone else's orders.
"""

import functools
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import openai
from django.conf import settings

from chatbot import answers, intents
from chatbot.facts import FormatFact, ShopFacts  # noqa: F401  (the gateway's value objects)
from lib.openai_client import openai_client

logger = logging.getLogger(__name__)

HANDOFF_TEXT = answers.HANDOFF["en"]


@dataclass(frozen=True)
class Reply:
    text: str
    offers_handoff: bool = False


class ChatUnavailable(Exception):
    """The chat provider failed or timed out; the customer gets a polite fallback."""


@dataclass(frozen=True)
class OrderTools:
    """Order look-ups bound to one signed-in customer."""

    recent_orders: Callable[[], list[dict]]
    order_status: Callable[[str], dict | None]


SYSTEM_PROMPT = """You are the support assistant of AI Gallery, a shop where people turn a text
prompt into an AI-painted artwork and order it as a digital download or a print.
Answer briefly (at most a few sentences), kindly, in the customer's language.
Use only the facts below and the tools; never invent prices, dates or order details.
Order tools only ever see the signed-in customer's own orders: never claim to see anyone
else's, whatever the customer asks. If you cannot help, say so and suggest pressing
"Talk to a person".

{facts}"""

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "recent_orders",
            "description": "The signed-in customer's most recent orders with their status.",
            "parameters": {"type": "object", "properties": {}, "additionalProperties": False},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "order_status",
            "description": "Status and timeline of one of the signed-in customer's orders.",
            "parameters": {
                "type": "object",
                "properties": {
                    "order_id": {"type": "string", "description": "The 8-character order id"}
                },
                "required": ["order_id"],
                "additionalProperties": False,
            },
        },
    },
]
MAX_TOOL_ROUNDS = 3


class OpenAIChat:
    name = "openai"

    def __init__(self) -> None:
        self.client = openai_client(timeout=settings.CHATBOT_TIMEOUT, max_retries=1)

    def reply(
        self, *, history: list[dict], facts: ShopFacts, tools: OrderTools | None, user_ref: str
    ) -> Reply:
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT.format(facts=facts.as_prompt())},
            *history,
        ]
        for _ in range(MAX_TOOL_ROUNDS + 1):
            try:
                response = self.client.chat.completions.create(
                    model=settings.OPENAI_CHAT_MODEL,
                    messages=messages,
                    tools=TOOLS if tools else openai.omit,
                    max_completion_tokens=settings.CHATBOT_MAX_REPLY_TOKENS,
                    user=user_ref,
                )
            except openai.OpenAIError as error:
                raise ChatUnavailable(str(error)) from error
            if not response.choices:
                raise ChatUnavailable("no choices in the response")
            message = response.choices[0].message
            if not message.tool_calls:
                return Reply(text=(message.content or "").strip() or HANDOFF_TEXT)
            messages.append(message.model_dump(exclude_none=True))
            for call in message.tool_calls:
                messages.append(
                    {"role": "tool", "tool_call_id": call.id, "content": _run_tool(call, tools)}
                )
        raise ChatUnavailable("too many tool rounds")


def _run_tool(call, tools: OrderTools | None) -> str:
    if tools is None:
        return json.dumps({"error": "The customer is not signed in."})
    try:
        arguments = json.loads(call.function.arguments or "{}")
    except json.JSONDecodeError:
        arguments = {}
    if call.function.name == "recent_orders":
        return json.dumps({"orders": tools.recent_orders()})
    if call.function.name == "order_status":
        found = tools.order_status(str(arguments.get("order_id", "")))
        return json.dumps(found or {"error": "No order with that id among this customer's orders."})
    return json.dumps({"error": f"Unknown tool {call.function.name}"})


# The offline bot: intents matched by chatbot.intents, answers composed by chatbot.answers
# from the live facts, the managers' FAQ matched by the same scorer, and order look-ups.

ORDER_ID = re.compile(r"\b[0-9a-fA-F]{8}\b")
KEYWORD_WEIGHT = 0.6


class OfflineChat:
    name = "offline"
    # Below these cosine scores a question is not understood (see tests/chatbot/questions.py).
    threshold = 0.27
    faq_threshold = 0.25

    def reply(
        self, *, history: list[dict], facts: ShopFacts, tools: OrderTools | None, user_ref: str
    ) -> Reply:
        question = history[-1]["content"]
        lang = intents.language_of(question)
        found = intents.intent_of(question)
        intent = found.label if found.score >= self.threshold else ""
        if intent == "order_status" and answers.mentioned_country(question):
            intent = "countries"
        if intent == "order_status" or (
            ORDER_ID.search(question) and intent in ("", "order_status", "shipping")
        ):
            return self._order_reply(question, tools, facts, lang)
        faq = _faq_match(question, facts)
        faq_entry = faq.label if faq.score >= self.faq_threshold else ""
        topic = _faq_topic(facts, faq_entry, self.threshold) if faq_entry else ""
        if not intent and answers.mentioned_country(question):
            intent = "countries"
        if faq_entry and intent and topic != intent and faq.score >= found.score + 0.1:
            # Managers answered this in the admin, and it fits better than any built-in answer.
            return Reply(text=answers.faq_answer(_faq_answer(facts, faq_entry), lang))
        if faq_entry and not intent and not topic:
            return Reply(text=answers.faq_answer(_faq_answer(facts, faq_entry), lang))
        intent = intent or topic
        if not intent:
            return Reply(text=answers.HANDOFF[lang], offers_handoff=True)
        text = answers.answer(intent, question, facts, lang)
        if faq_entry and topic == intent:
            text = _with_faq(text, _faq_answer(facts, faq_entry))
        return Reply(text=text, offers_handoff=intent in answers.WITH_HANDOFF)

    def _order_reply(
        self, question: str, tools: OrderTools | None, facts: ShopFacts, lang: str
    ) -> Reply:
        if tools is None:
            return Reply(text=f"{answers.LOG_IN[lang]} {answers.timing(facts, lang)}")
        if match := ORDER_ID.search(question):
            order = tools.order_status(match.group(0))
            if order:
                return Reply(text=_describe(order))
            return Reply(text=f"I can't find an order {match.group(0).upper()} among your orders.")
        orders = tools.recent_orders()
        if not orders:
            return Reply(text="You have no orders yet. You can order any artwork from its page.")
        latest = orders[0]
        text = _describe(latest)
        if len(orders) > 1:
            text += (
                " Your other recent orders: "
                + "; ".join(f"{o['id']} ({o['status']})" for o in orders[1:])
                + "."
            )
        return Reply(text=text)


def _faq_matcher(faq: tuple[tuple[str, str, str], ...]) -> intents.Matcher:
    """Each entry matched by its question, each keyword, and both (the best of them)."""
    examples = []
    for index, (question, _, keywords) in enumerate(faq):
        label = str(index)
        examples += [(label, question), (label, f"{question} {keywords}")]
        # One keyword alone is a hint ("환불" for the refund entry), weaker than the question.
        examples += [(label, keyword, KEYWORD_WEIGHT) for keyword in keywords.split()]
    return intents.Matcher(examples, idf_from=intents.intent_matcher(), top=1)


_faq_matcher_cached = functools.lru_cache(maxsize=8)(_faq_matcher)


def _faq_match(question: str, facts: ShopFacts) -> intents.Match:
    if not facts.faq:
        return intents.Match("", 0.0)
    return _faq_matcher_cached(tuple(tuple(entry) for entry in facts.faq)).best(question)


def _faq_answer(facts: ShopFacts, label: str) -> str:
    return facts.faq[int(label)][1]


@functools.lru_cache(maxsize=256)
def _topic_of(question: str, threshold: float) -> str:
    found = intents.intent_of(question)
    return found.label if found.score >= threshold else ""


def _faq_topic(facts: ShopFacts, label: str, threshold: float) -> str:
    """The built-in intent an FAQ entry is about, judged by its question, or ""."""
    return _topic_of(facts.faq[int(label)][0], threshold)


def _with_faq(text: str, faq_answer: str) -> str:
    """The composed answer, then the manager's words that it does not already say."""
    said = intents.normalize(text)
    sentences = re.split(r"(?<=[.!?])\s+", faq_answer.strip())
    extra = " ".join(s for s in sentences if s and intents.normalize(s) not in said)
    return f"{text} {extra}".strip()


def _describe(order: dict) -> str:
    text = f"Order {order['id']} ({order['item']}) is {order['status'].lower()}"
    if order.get("updated"):
        text += f" (last update {order['updated']})"
    text += "."
    for parcel in order.get("parcels") or []:
        if not parcel.get("tracking_number"):
            continue
        state = "delivered" if parcel.get("delivered") else "on its way"
        carrier = parcel.get("carrier") or "the carrier"
        text += f" A parcel with {carrier} is {state}: tracking number {parcel['tracking_number']}"
        text += f" ({parcel['tracking_url']})." if parcel.get("tracking_url") else "."
    return text


def get_chat_provider() -> OpenAIChat | OfflineChat:
    if settings.CHATBOT_PROVIDER == "openai":
        return OpenAIChat()
    return OfflineChat()
