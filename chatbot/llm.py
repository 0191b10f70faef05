"""The gateway to the support bot: OpenAI (or a compatible server) and an offline FAQ matcher.

`get_chat_provider()` returns the one the settings choose. Both answer from `ShopFacts` (live
shop data and the FAQ) and, for signed-in customers, from `OrderTools`, which the services
bind to that customer, so no prompt can reach anyone else's orders.
"""

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import openai
from django.conf import settings

from lib.openai_client import openai_client

logger = logging.getLogger(__name__)

HANDOFF_TEXT = (
    "I'm not sure about that one. I can pass your question to our team: "
    "press “Talk to a person” and someone will reply by e-mail."
)


@dataclass(frozen=True)
class Reply:
    text: str
    offers_handoff: bool = False


class ChatUnavailable(Exception):
    """The chat provider failed or timed out; the customer gets a polite fallback."""


@dataclass(frozen=True)
class ShopFacts:
    """What the bot may tell anyone: built from live shop data by chatbot.services."""

    formats: list[str]
    shipping: str
    currency: str
    policies: list[str]
    faq: list[tuple[str, str, str]] = field(default_factory=list)  # question, answer, keywords

    def as_prompt(self) -> str:
        lines = [f"Formats and prices (in {self.currency}):", *[f"- {f}" for f in self.formats]]
        lines += [f"Shipping: {self.shipping}", *self.policies, "Frequently asked questions:"]
        lines += [f"Q: {q}\nA: {a}" for q, a, _ in self.faq]
        return "\n".join(lines)


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


# The offline bot: FAQ matching by weighted word overlap, and order look-ups.

WORD = re.compile(r"\w+", re.UNICODE)
STOP_WORDS = frozenset(
    "a an and are as at be can could do does for from have how i in is it me my of on or our "  # noqa: SIM905
    "the this to was what when where which who why will with you your".split()
)
# "Where is my order?" and its cousins; general shipping questions go to the FAQ.
ORDER_WORDS = {"order", "orders", "track", "tracking", "parcel", "package", "주문", "주문한"}
PRICE_WORDS = {
    "price",
    "prices",
    "cost",
    "costs",
    "much",
    "format",
    "formats",
    "size",
    "sizes",
    "print",
    "prints",
    "canvas",
    "download",
    "가격",
    "얼마",
}
ORDER_ID = re.compile(r"\b[0-9a-fA-F]{8}\b")


def _words(text: str) -> list[str]:
    words = []
    for word in WORD.findall(text.lower()):
        if word in STOP_WORDS:
            continue
        words.append(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return words


class OfflineChat:
    name = "offline"
    threshold = 0.2

    def reply(
        self, *, history: list[dict], facts: ShopFacts, tools: OrderTools | None, user_ref: str
    ) -> Reply:
        question = history[-1]["content"]
        words = set(WORD.findall(question.lower()))
        if words & ORDER_WORDS or ORDER_ID.search(question):
            return self._order_reply(question, tools)
        if faq_answer := self._best_faq(question, facts):
            return Reply(text=faq_answer)
        if words & PRICE_WORDS:
            return Reply(
                text="Our formats: " + "; ".join(facts.formats) + f". Shipping: {facts.shipping}"
            )
        return Reply(text=HANDOFF_TEXT, offers_handoff=True)

    def _order_reply(self, question: str, tools: OrderTools | None) -> Reply:
        if tools is None:
            return Reply(text="Log in and ask me again: I can then look up your orders for you.")
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

    def _best_faq(self, question: str, facts: ShopFacts) -> str:
        """TF-IDF cosine between the question and each entry's question and keywords."""
        documents = [Counter(_words(f"{q} {keywords}")) for q, _, keywords in facts.faq]
        vocabulary = {word for doc in documents for word in doc}
        # Words no entry knows cannot pick one; a known prefix catches Korean particles
        # ("환불이" → "환불") and English endings ("refunded" → "refund").
        asked = Counter(known for word in _words(question) if (known := _known(word, vocabulary)))
        if not asked:
            return ""
        frequency = Counter(word for doc in documents for word in doc)

        def vector(counts: Counter) -> dict[str, float]:
            idf = {w: math.log((1 + len(documents)) / (1 + frequency[w])) + 1 for w in counts}
            return {word: count * idf[word] for word, count in counts.items()}

        query = vector(asked)
        query_norm = math.sqrt(sum(v * v for v in query.values()))
        best_score, best_answer = 0.0, ""
        for (_, answer, _), doc in zip(facts.faq, documents, strict=True):
            weights = vector(doc)
            norm = math.sqrt(sum(v * v for v in weights.values())) * query_norm
            score = sum(query[w] * weights.get(w, 0) for w in query) / norm
            if score > best_score:
                best_score, best_answer = score, answer
        return best_answer if best_score >= self.threshold else ""


def _known(word: str, vocabulary: set[str]) -> str:
    if word in vocabulary:
        return word
    prefixes = [v for v in vocabulary if len(v) >= 2 and word.startswith(v)]
    return max(prefixes, key=len, default="")


def _describe(order: dict) -> str:
    text = f"Order {order['id']} ({order['item']}) is {order['status'].lower()}"
    if order.get("updated"):
        text += f" (last update {order['updated']})"
    return text + "."


def get_chat_provider() -> OpenAIChat | OfflineChat:
    if settings.CHATBOT_PROVIDER == "openai":
        return OpenAIChat()
    return OfflineChat()
