"""The offline bot's answers, composed from live `ShopFacts` at reply time, in English or Korean.

`answer(intent, question, facts, lang)` returns the text and whether to offer a person.
"""

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from chatbot.intents import normalize

if TYPE_CHECKING:
    from chatbot.facts import FormatFact, ShopFacts

HANDOFF = {
    "en": (
        "I'm not sure about that one. I can pass your question to our team: "
        "press “Talk to a person” and someone will reply by e-mail."
    ),
    "ko": (
        "그 질문은 제가 잘 모르겠어요. 저희 팀에 질문을 전달해 드릴 수 있어요: "
        "“Talk to a person”(상담원 연결)을 누르시면 담당자가 이메일로 답해 드립니다."
    ),
}
LOG_IN = {
    "en": "Log in and ask me again: I can then look up your orders for you.",
    "ko": "로그인한 뒤 다시 물어봐 주세요. 그러면 주문을 조회해 드릴 수 있어요.",
}
LOG_IN_TO_ACT = {
    "en": "Log in and ask me here: I can then do it for you once you confirm with a button.",
    "ko": "로그인한 뒤 여기서 다시 물어봐 주세요. 버튼으로 확인하시면 제가 바로 처리해 드려요.",
}

# Korean names of the countries the shop ships to, and of some it does not (so "China?" gets a no).
KOREAN_COUNTRIES = {
    "Austria": "오스트리아",
    "Australia": "호주",
    "Belgium": "벨기에",
    "Brazil": "브라질",
    "Canada": "캐나다",
    "Switzerland": "스위스",
    "Czechia": "체코",
    "Germany": "독일",
    "Denmark": "덴마크",
    "Spain": "스페인",
    "Finland": "핀란드",
    "France": "프랑스",
    "United Kingdom": "영국",
    "Hong Kong": "홍콩",
    "Ireland": "아일랜드",
    "India": "인도",
    "Italy": "이탈리아",
    "Japan": "일본",
    "South Korea": "한국",
    "Mexico": "멕시코",
    "Netherlands": "네덜란드",
    "Norway": "노르웨이",
    "New Zealand": "뉴질랜드",
    "Poland": "폴란드",
    "Portugal": "포르투갈",
    "Sweden": "스웨덴",
    "Singapore": "싱가포르",
    "Taiwan": "대만",
    "United States": "미국",
    "China": "중국",
    "Russia": "러시아",
    "Vietnam": "베트남",
    "Thailand": "태국",
    "Indonesia": "인도네시아",
    "Philippines": "필리핀",
    "Malaysia": "말레이시아",
    "Turkey": "튀르키예",
    "Argentina": "아르헨티나",
    "Chile": "칠레",
    "South Africa": "남아프리카",
    "Ukraine": "우크라이나",
    "Greece": "그리스",
    "Israel": "이스라엘",
    "Egypt": "이집트",
    "Nigeria": "나이지리아",
    "United Arab Emirates": "아랍에미리트",
}
COUNTRY_ALIASES = {
    "usa": "United States",
    "us": "United States",
    "america": "United States",
    "states": "United States",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "england": "United Kingdom",
    "scotland": "United Kingdom",
    "korea": "South Korea",
    "holland": "Netherlands",
    "czech": "Czechia",
    "uae": "United Arab Emirates",
    "turkiye": "Turkey",
    "대한민국": "South Korea",
    "우리나라": "South Korea",
    "국내": "South Korea",
    "일본": "Japan",
    "터키": "Turkey",
    "미국": "United States",
    "영국": "United Kingdom",
}

SIZE = re.compile(r"(\d{1,3}(?:[.,]\d)?)\s*(?:cm)?\s*(?:x|by|\*|곱하기)\s*(\d{1,3}(?:[.,]\d)?)")
PAPER = re.compile(r"(?<![a-z0-9])a([1-6])(?![0-9])")
PAPER_SIZES = {
    "1": (59.4, 84.1),
    "2": (42.0, 59.4),
    "3": (29.7, 42.0),
    "4": (21.0, 29.7),
    "5": (14.8, 21.0),
    "6": (10.5, 14.8),
}
LARGEST = re.compile(r"larg|bigg|biggest|maximum|\bmax\b|가장 ?큰|제일 ?큰|최대|젤 ?큰")
SMALLEST = re.compile(r"smallest|tiniest|minimum|\bmin\b|가장 ?작은|제일 ?작은|최소|젤 ?작은")
BIGGER = re.compile(r"bigger|larger|\bmore than\b|\bover\b|이상|보다 ?큰|더 ?큰")
PRICIEST = re.compile(r"expensive|priciest|dearest|비싼")
CHEAPEST = re.compile(r"cheap|least expensive|lowest price|가장 ?싼|제일 ?싼|저렴|최저|젤 ?싼")
DIGITAL_WORDS = re.compile(r"\b(?:download\w*|digital|files?|png)\b|다운|디지털|파일")
CANVAS_WORDS = re.compile(r"canvas|캔버스")
PRICE_WORDS = re.compile(r"how much|price|pric|cost|얼마|가격|비용|금액")
THANKS = re.compile(r"thank|thx|cheers|감사|고마|고맙")
# Korean words for things a format's English name may say.
NAME_ALIASES = {"canvas": "캔버스", "frame": "액자", "framed": "액자", "poster": "포스터"}


def _size(value) -> str:
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def _dims(fmt: "FormatFact") -> tuple[float, float] | None:
    if fmt.width_cm is None or fmt.height_cm is None:
        return None
    return tuple(sorted((float(fmt.width_cm), float(fmt.height_cm))))


def _label(fmt: "FormatFact", lang: str) -> str:
    """The name, its size when the name does not say it, and its price."""
    text = fmt.name
    dims = _dims(fmt)
    if dims and not re.search(r"\d\s*[×x]\s*\d", fmt.name):
        text += f" ({_size(fmt.width_cm)}×{_size(fmt.height_cm)} cm)"
    if not fmt.physical:
        text += " (고해상도 PNG 파일)" if lang == "ko" else " (full-resolution PNG file)"
    return f"{text}: {fmt.price}"


def _shipping_note(facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return f"프린트는 주문당 배송비 {facts.shipping_rate}이 추가되고, 다운로드는 배송비가 없습니다."
    return f"Prints add {facts.shipping_rate} shipping per order; downloads ship nothing."


def _format_list(facts: "ShopFacts", lang: str, formats=None) -> str:
    formats = facts.format_facts if formats is None else formats
    if not formats:
        return (
            "지금은 판매 중인 형식이 없어요."
            if lang == "ko"
            else "No formats are on sale right now."
        )
    items = "; ".join(_label(f, lang) for f in formats)
    lead = "판매 중인 형식과 가격: " if lang == "ko" else "Our formats and prices: "
    return f"{lead}{items}. {_shipping_note(facts, lang)}"


def _asked_size(question: str) -> tuple[tuple[float, float], str] | None:
    text = normalize(question)
    if match := SIZE.search(text):
        a, b = (float(side.replace(",", ".")) for side in match.groups())
        return tuple(sorted((a, b))), f"{_size(a)}×{_size(b)} cm"
    if match := PAPER.search(text):
        dims = PAPER_SIZES[match.group(1)]
        return dims, f"A{match.group(1)} ({_size(dims[0])}×{_size(dims[1])} cm)"
    return None


def _name_words(fmt: "FormatFact") -> set[str]:
    words = {w for w in re.findall(r"[^\W\d_]+", fmt.name.lower()) if len(w) >= 4}
    words -= {"print", "prints", "art"}
    return words | {NAME_ALIASES[w] for w in words if w in NAME_ALIASES}


def _named_formats(question: str, facts: "ShopFacts") -> list["FormatFact"]:
    """The formats a question points at: by size, by a word of the name, or by kind."""
    text = normalize(question)
    formats = facts.format_facts
    named = [f for f in formats if any(word in text for word in _name_words(f))]
    if CANVAS_WORDS.search(text):
        named = [f for f in formats if CANVAS_WORDS.search(f.name.lower())] or named
    if DIGITAL_WORDS.search(text) and not named:
        named = [f for f in formats if not f.physical]
    return named


def _pick(question: str, facts: "ShopFacts") -> tuple[list["FormatFact"], str]:
    """(formats, the size asked for when no format has it)."""
    text = normalize(question)
    named = _named_formats(question, facts)
    prints = [f for f in facts.format_facts if f.physical]
    if asked := _asked_size(question):
        dims, label = asked
        pool = [f for f in (named or prints) if f.physical] or prints
        if BIGGER.search(text):
            bigger = [f for f in pool if _dims(f) and _dims(f)[0] * _dims(f)[1] > dims[0] * dims[1]]
            return bigger, "" if bigger else f">{label}"
        same = [
            f
            for f in pool
            if _dims(f) and all(abs(a - b) < 0.6 for a, b in zip(_dims(f), dims, strict=True))
        ]
        return same, "" if same else label
    pool = [f for f in named if f.physical] or prints
    if pool and LARGEST.search(text):
        return [max(pool, key=lambda f: _dims(f)[0] * _dims(f)[1])], ""
    if pool and SMALLEST.search(text):
        return [min(pool, key=lambda f: _dims(f)[0] * _dims(f)[1])], ""
    if facts.format_facts and PRICIEST.search(text) and not CHEAPEST.search(text):
        return [max(named or facts.format_facts, key=lambda f: f.amount)], ""
    if facts.format_facts and CHEAPEST.search(text):
        pool = named or facts.format_facts
        return [min(pool, key=lambda f: f.amount)], ""
    return named, ""


def formats_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    chosen, missing = _pick(question, facts)
    if missing.startswith(">"):
        # Nothing is bigger than the size asked for: say so, and name the largest there is.
        prints = [f for f in facts.format_facts if f.physical and _dims(f)]
        largest = max(prints, key=lambda f: _dims(f)[0] * _dims(f)[1]) if prints else None
        size = missing[1:]
        if lang == "ko":
            lead = f"{size}보다 큰 사이즈는 지금 없어요."
            most = f" 가장 큰 것은 {_label(largest, lang)}입니다." if largest else ""
        else:
            lead = f"We have nothing bigger than {size} at the moment."
            most = f" The largest is {_label(largest, lang)}." if largest else ""
        return lead + most + " " + _shipping_note(facts, lang)
    if missing:
        if lang == "ko":
            return f"{missing} 크기는 지금 없어요. " + _format_list(facts, lang)
        return f"We don't offer {missing} at the moment. " + _format_list(facts, lang)
    if chosen and len(chosen) <= 2:
        items = "; ".join(_label(f, lang) for f in chosen)
        note = _shipping_note(facts, lang) if any(f.physical for f in chosen) else ""
        others = "다른 형식도 물어보세요." if lang == "ko" else "Ask me for the other formats too."
        return f"{items}. {note} {others}".replace("  ", " ")
    return _format_list(facts, lang, chosen or None)


def canvas_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    canvases = [f for f in facts.format_facts if CANVAS_WORDS.search(f.name.lower())]
    if not canvases:
        if lang == "ko":
            return "지금은 캔버스를 판매하지 않아요. " + _format_list(facts, lang)
        return "We don't offer canvas at the moment. " + _format_list(facts, lang)
    items = "; ".join(_label(f, lang) for f in canvases)
    # "How much is a canvas?" asks for the price, not whether: no "Yes" before it.
    asks_price = bool(PRICE_WORDS.search(normalize(question)))
    if lang == "ko":
        lead = (
            f"캔버스 가격: {items}." if asks_price else f"네, 캔버스로 주문하실 수 있어요: {items}."
        )
        return f"{lead} 작품 페이지에서 형식을 고르면 됩니다. " + _shipping_note(facts, lang)
    lead = f"Canvas prices: {items}." if asks_price else f"Yes, we print on canvas: {items}."
    return f"{lead} Choose it as the format on the artwork's page. " + _shipping_note(facts, lang)


def timing(facts: "ShopFacts", lang: str) -> str:
    low, high = facts.delivery_days
    if lang == "ko":
        return (
            f"프린트는 주문 후 {facts.make_days}영업일 안에 제작되고, 보통 그 뒤 {low}~{high}영업일 안에 도착합니다. "
            "발송되면 이메일로 알려 드려요."
        )
    return (
        f"Prints are made to order within {facts.make_days} working days and usually arrive "
        f"{low} to {high} working days later. You get an e-mail when your print ships."
    )


def shipping_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            f"배송비는 프린트가 든 주문 한 건당 {facts.shipping_rate}이고(수량과 관계없이), 다운로드는 배송비가 없습니다. "
            + timing(facts, lang)
        )
    return (
        f"Shipping is {facts.shipping_rate} per order with prints, however many; downloads ship nothing. "
        + timing(facts, lang)
    )


def _country_name(name: str, lang: str) -> str:
    return KOREAN_COUNTRIES.get(name, name) if lang == "ko" else name


def mentioned_country(question: str) -> str:
    text = normalize(question)
    words = set(re.findall(r"[^\W\d_]+", text))
    for name, korean in KOREAN_COUNTRIES.items():
        if name.lower() in text or korean in text:
            return name
    for alias, name in COUNTRY_ALIASES.items():
        if alias in words or (not alias.isascii() and alias in text):
            return name
    return ""


def countries_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    listed = ", ".join(_country_name(c, lang) for c in facts.countries)
    country = mentioned_country(question)
    if country and country in facts.countries:
        if lang == "ko":
            return (
                f"네, {_country_name(country, lang)}(으)로 프린트를 배송해요. 배송비는 주문당 {facts.shipping_rate}입니다. "
                + timing(facts, lang)
            )
        return (
            f"Yes, we ship prints to {country}. Shipping is {facts.shipping_rate} per order. "
            + timing(facts, lang)
        )
    if country:
        if lang == "ko":
            return f"죄송하지만 {_country_name(country, lang)}(으)로는 아직 배송하지 않아요. 배송 가능 국가: {listed}. 다운로드는 어디서나 받을 수 있어요."
        return f"Sorry, we don't ship to {country} yet. We ship prints to: {listed}. Downloads work everywhere."
    if lang == "ko":
        return f"프린트는 {len(facts.countries)}개 나라로 배송해요: {listed}. 배송비는 주문당 {facts.shipping_rate}이고, 다운로드는 어디서나 받을 수 있어요."
    return (
        f"We ship prints to {len(facts.countries)} countries: {listed}. Shipping is "
        f"{facts.shipping_rate} per order; downloads work everywhere."
    )


def refund_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            "아직 제작에 들어가지 않은 주문(다운로드 포함)은 요청하시면 전액 환불해 드려요. "
            "주문 번호와 함께 “Talk to a person”(상담원 연결)을 눌러 요청해 주세요. "
            "파손된 프린트는 사진을 보내 주시면 새로 보내 드리거나 환불해 드립니다. 환불 금액은 보통 5~10일 안에 "
            "결제 수단으로 들어와요."
        )
    return (
        "Downloads and prints not yet in production are refunded in full on request: press "
        "“Talk to a person” with your order number. For a damaged print, send us a photo and "
        "we replace or refund it. A refund reaches your payment method within 5 to 10 days."
    )


def damaged_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            "불편을 드려 죄송합니다! 손상된 부분과 포장 사진을 보내 주세요: “Talk to a person”(상담원 연결)을 누르고 "
            "이메일을 남기신 뒤, 받은 답장에 사진을 첨부해 주시면 됩니다. 무료로 새 프린트를 보내 드리거나 전액 환불해 드려요."
        )
    return (
        "I'm sorry your print arrived damaged! Please send us a photo of the damage and the "
        "packaging: press “Talk to a person”, leave your e-mail and reply to our e-mail with the "
        "photo. We replace the print or refund it in full, at no cost to you."
    )


def cancel_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            "제작에 들어가기 전까지는 주문을 취소할 수 있어요. 결제 전 주문은 내 주문(My orders)에서 주문 페이지를 열고 "
            "“Cancel order”(주문 취소)를 누르면 되고, 요금은 청구되지 않아요. 결제했지만 아직 제작 전인 프린트는 "
            "로그인한 상태로 이 채팅에서 말씀해 주시면, 버튼으로 확인하신 뒤 바로 취소하고 전액 환불해 드려요. "
            "제작이 시작된 프린트는 취소할 수 없어요."
        )
    return (
        "You can cancel an order until it goes into production. An unpaid order: open it from "
        "My orders and press “Cancel order” on the order page; nothing is charged. A paid print "
        "not yet in production: ask me here while logged in, and once you confirm with the "
        "button I cancel it and refund it in full. Once a print is in production it can no "
        "longer be canceled."
    )


def address_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            "배송 주소는 결제할 때 입력해요. 프린트가 아직 제작 전이라면 주소를 바꿀 수 있어요: 로그인한 상태로 이 "
            "채팅에서 말씀해 주시면 새 주소를 입력할 양식을 보여 드리고, 주문 페이지에서도 바꿀 수 있어요. 제작이 "
            "시작된 뒤에는 주소를 바꿀 수 없으니, 그때는 “Talk to a person”(상담원 연결)을 눌러 주세요."
        )
    return (
        "The delivery address is entered at checkout. While your print is not yet in "
        "production the address can still change: ask me here while logged in and I show you "
        "a form for the new address, or change it on the order page. Once the print is in "
        "production it can no longer change; then press “Talk to a person”."
    )


def download_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    digital = [f for f in facts.format_facts if not f.physical]
    price = digital[0].price if digital else ""
    if lang == "ko":
        text = (
            "결제가 완료되면 내 주문(My orders)에서 주문을 열고 “Download”를 누르세요: 고해상도 원본 PNG 파일을 "
            "받을 수 있고, 언제든 다시 다운로드할 수 있어요."
        )
        return text + (f" 다운로드 가격은 {price}입니다." if price else "")
    text = (
        "Once the payment is through, open the order under My orders and press “Download the "
        "full-resolution image”: you get the original as a full-resolution PNG file, and you can "
        "download it again from that page at any time."
    )
    return text + (f" A download costs {price}." if price else "")


def resend_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    """Asked to send the download links again, without an order at hand (a visitor)."""
    return download_answer(question, facts, lang)


def painting_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            "그림 생성은 몇 초에서 2분 정도 걸려요. 페이지를 떠나도 괜찮고, 완성되면 내 이미지(My images)에 나타납니다. "
            f"한 사람당 하루 {facts.daily_limit}장까지 만들 수 있고, 실패한 생성은 횟수에 포함되지 않아요. "
            f"프롬프트는 {facts.prompt_max}자까지 쓸 수 있어요."
        )
    return (
        "Painting an image takes from a few seconds to about two minutes; you can leave the page "
        f"and find it under My images when it is ready. Each customer can create {facts.daily_limit} "
        f"images a day, and failed ones do not count. A prompt can be up to {facts.prompt_max} characters."
    )


def payment_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            "카드(신용·체크카드)와 Stripe가 고객님 나라에서 제공하는 현지 결제 수단으로 결제할 수 있어요. "
            f"결제 화면에서 확인하실 수 있고, 가격은 {facts.currency} 기준입니다."
        )
    return (
        "We accept cards and the local payment methods Stripe offers in your country; you see "
        f"them at checkout. Prices are in {facts.currency}."
    )


def privacy_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            "이미지는 기본적으로 비공개라서 본인만 볼 수 있어요. 공개로 바꿔 샵에 공유하면 다른 사람도 볼 수 있고, "
            "언제든 다시 비공개로 바꿀 수 있어요. 다른 사람에게는 미리보기만 보이고, 고해상도 원본은 본인과 구매자만 받을 수 있습니다."
        )
    return (
        "Your images are private: only you see them, unless you make one public to share it in "
        "the shop, and you can make it private again at any time. Others only ever see a "
        "preview; the full-resolution original is for you and for people who buy it."
    )


def size_disabled_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    prints = [f for f in facts.format_facts if f.physical and _dims(f)]
    dpis = sorted({f.min_dpi for f in prints}) or [150]
    dpi = max(dpis, key=lambda d: sum(f.min_dpi == d for f in prints))
    needs = "; ".join(
        f"{f.name}: {f.min_pixels[0]} × {f.min_pixels[1]} px" for f in prints if f.min_pixels
    )
    if lang == "ko":
        return (
            f"프린트가 선명하려면 픽셀이 충분해야 해요(약 {dpi} dots per inch, DPI). 큰 사이즈일수록 큰 이미지가 필요해서 "
            f"이미지가 작으면 그 크기는 회색으로 비활성화됩니다. 필요한 최소 크기: {needs}. 더 작은 프린트나 캔버스를 골라 주세요."
        )
    return (
        f"Each print needs enough pixels to look sharp (about {dpi} dots per inch), so larger "
        f"sizes need a larger image and are greyed out for smaller ones. Minimum sizes: {needs}. "
        "Choose a smaller print or a canvas."
    )


def how_to_order_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return (
            "작품 페이지(내 이미지 또는 샵의 작품)에서 형식을 고르고 주문하면 Stripe 결제 화면으로 이동해요. "
            + _format_list(facts, lang)
        )
    return (
        "Open an artwork (one of yours under My images, or any in the shop), choose a format and "
        "order it; you pay at checkout. " + _format_list(facts, lang)
    )


def human_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    if lang == "ko":
        return "“Talk to a person”(상담원 연결)을 누르고 이메일을 남겨 주세요. 담당자가 이메일로 답해 드립니다."
    return "Press “Talk to a person” and leave your e-mail: someone from our team will reply by e-mail."


def greeting_answer(question: str, facts: "ShopFacts", lang: str) -> str:
    thanks = bool(THANKS.search(question))
    if lang == "ko":
        lead = "천만에요! " if thanks else "안녕하세요! "
        return lead + "가격과 사이즈, 배송, 주문, 환불, 다운로드 등 무엇이든 물어보세요."
    lead = "You're welcome! " if thanks else "Hello! "
    return lead + "Ask me about prices and sizes, shipping, orders, refunds, downloads and more."


ANSWERS = {
    "formats": formats_answer,
    "canvas": canvas_answer,
    "shipping": shipping_answer,
    "countries": countries_answer,
    "refund": refund_answer,
    "damaged": damaged_answer,
    "cancel": cancel_answer,
    "address": address_answer,
    "download": download_answer,
    "resend": resend_answer,
    "painting": painting_answer,
    "payment": payment_answer,
    "privacy": privacy_answer,
    "size_disabled": size_disabled_answer,
    "how_to_order": how_to_order_answer,
    "human": human_answer,
    "greeting": greeting_answer,
}
# Answers that need a person to act: the chat offers "Talk to a person" with them.
WITH_HANDOFF = {"damaged", "address", "human"}


def answer(intent: str, question: str, facts: "ShopFacts", lang: str) -> str:
    if intent in ("shipping", "how_to_order", "order_status") and mentioned_country(question):
        intent = "countries"
    return ANSWERS[intent](question, facts, lang)


def faq_answer(text: str, lang: str) -> str:
    """A manager's FAQ answer, as written; Korean shoppers are told where it comes from."""
    return f"자주 묻는 질문에 대한 답변이에요: {text}" if lang == "ko" else text


# Orders: the customer's own, as chatbot.orders describes them (dicts, the same the OpenAI
# provider's tools return).

STATUS_KO = {
    "pending": "결제 대기 중",
    "paid": "결제 완료",
    "in_production": "제작 중",
    "shipped": "발송됨",
    "delivered": "배송 완료",
    "canceled": "취소됨",
    "expired": "만료됨",
    "payment_failed": "결제 실패",
    "refunded": "환불됨",
}
LAB_STAGE_KO = {
    "waiting": "인쇄소 전송 대기",
    "submitted": "인쇄소 접수",
    "in_production": "제작 중",
    "shipped": "발송됨",
    "delivered": "배송 완료",
    "problem": "인쇄소 확인 중",
    "canceled": "인쇄소에서 취소됨",
}


def _status(order: dict, lang: str) -> str:
    """The order's state; a paid order already in production at the lab says so."""
    code, lab = order.get("status_code", ""), order.get("lab_stage_code", "")
    if code == "paid" and lab in ("in_production", "shipped"):
        return LAB_STAGE_KO[lab] if lang == "ko" else order["lab_stage"].lower()
    if lang == "ko":
        return STATUS_KO.get(code, order["status"])
    return order["status"].lower()


def _lab_note(order: dict, lang: str) -> str:
    """The lab stage, when it says more than the status."""
    lab = order.get("lab_stage_code", "")
    if not lab:
        return ""
    if lang == "ko":
        label = LAB_STAGE_KO.get(lab, order["lab_stage"])
        return "" if label == _status(order, lang) else f", 인쇄소 단계: {label}"
    label = order["lab_stage"]
    return "" if label.lower() == _status(order, lang) else f"; print lab: {label.lower()}"


def _parcels(order: dict, lang: str) -> str:
    parts = []
    for parcel in order.get("parcels") or []:
        if not parcel.get("tracking_number"):
            continue
        url = f", {parcel['tracking_url']}" if parcel.get("tracking_url") else ""
        if lang == "ko":
            carrier = parcel.get("carrier") or "택배"
            state = "배송 완료" if parcel.get("delivered") else "배송 중"
            parts.append(f"{carrier} 택배({state}): 운송장 번호 {parcel['tracking_number']}{url}.")
        else:
            carrier = parcel.get("carrier") or "the carrier"
            state = "delivered" if parcel.get("delivered") else "on its way"
            parts.append(
                f"A parcel with {carrier} is {state}: tracking number "
                f"{parcel['tracking_number']}{url}."
            )
    return " ".join(parts)


def order_text(order: dict, lang: str) -> str:
    """One order in full: items, status, lab stage, last change and each parcel's tracking."""
    if lang == "ko":
        text = (
            f"{order['id']} 주문({order['item']}): {_status(order, lang)}{_lab_note(order, lang)}"
            f" (최근 업데이트 {order['updated_on']})."
        )
    else:
        text = (
            f"Order {order['id']} ({order['item']}) is {_status(order, lang)}"
            f"{_lab_note(order, lang)} (last update {order['updated']})."
        )
    parcels = _parcels(order, lang)
    return f"{text} {parcels}" if parcels else text


def _brief(orders: list[dict], lang: str) -> str:
    listed = "; ".join(f"{o['id']} ({_status(o, lang)})" for o in orders)
    return f"다른 주문: {listed}." if lang == "ko" else f"Your other orders: {listed}."


def orders_overview(orders: list[dict], lang: str) -> str:
    """Prints still on their way first, in full; then the rest briefly."""
    if not orders:
        if lang == "ko":
            return "아직 주문이 없어요. 마음에 드는 작품 페이지에서 주문할 수 있어요."
        return "You have no orders yet. You can order any artwork from its page."
    on_its_way = [o for o in orders if o.get("on_its_way")]
    if not on_its_way:
        lead, rest = [orders[0]], orders[1:]
    else:
        lead, rest = on_its_way, [o for o in orders if not o.get("on_its_way")]
    # One order a line (the chat keeps line breaks): the heading, each order, then the rest.
    lines = [order_text(o, lang) for o in lead]
    if on_its_way:
        heading = "Still on its way:" if len(on_its_way) == 1 else "Still on their way:"
        lines.insert(0, "아직 배송 중인 주문이에요." if lang == "ko" else heading)
    if rest:
        lines.append(_brief(rest, lang))
    return "\n".join(lines)


def order_not_found(order_id: str, lang: str) -> str:
    if lang == "ko":
        return f"고객님의 주문 중에 {order_id.upper()} 주문을 찾을 수 없어요. 주문 번호를 확인해 주세요."
    return f"I can't find an order {order_id.upper()} among your orders."


def action_offer(kind: str, orders: list[dict], lang: str) -> str:
    """The offer of an action on some of the customer's orders; the buttons come below."""
    parts = [_offer_one(kind, order, lang) for order in orders]
    if lang == "ko":
        press = "아래 버튼을 눌러 확인해 주세요. 누르기 전에는 아무것도 바뀌지 않아요."
    else:
        press = "Press the button below to confirm; nothing changes until you do."
    return " ".join([*parts, press])


def _offer_one(kind: str, order: dict, lang: str) -> str:
    short, item = order["id"], order["item"]
    if kind == "cancel" and order.get("refundable"):
        if lang == "ko":
            return (
                f"{short} 주문({item})은 결제되었고 아직 제작 전이라 취소할 수 있어요. "
                f"취소하면 {order['refundable']}이 결제 수단으로 환불됩니다."
            )
        return (
            f"Order {short} ({item}) is paid and not yet in production, so it can still be "
            f"canceled: I can cancel it and refund {order['refundable']} to your payment method."
        )
    if kind == "cancel":
        if lang == "ko":
            return (
                f"{short} 주문({item})은 아직 결제 전이라 취소할 수 있고, 요금은 청구되지 않아요."
            )
        return f"Order {short} ({item}) is not paid yet: I can cancel it, and nothing is charged."
    if kind == "address":
        where = order.get("ships_to") or "-"
        if lang == "ko":
            return (
                f"{short} 주문({item})의 배송지는 지금 {where}입니다. 아직 제작 전이라 주소를 바꿀 수 "
                "있어요: 아래에 새 주소를 입력해 주세요."
            )
        return (
            f"Order {short} ({item}) ships to {where}. It is not in production yet, so the "
            "address can still change: enter the new address below."
        )
    if lang == "ko":
        return f"{short} 주문({item})의 다운로드 링크를 이메일로 다시 보내 드릴 수 있어요."
    return f"I can e-mail you the download links of order {short} ({item}) again."


def action_refused(kind: str, order: dict, lang: str) -> str:
    """Why an order named by the shopper does not allow the action."""
    short, state = order["id"], _status(order, lang)
    if lang == "ko":
        return {
            "cancel": f"{short} 주문은 지금 {state} 상태라 더 이상 취소할 수 없어요.",
            "address": f"{short} 주문은 지금 {state} 상태라 배송 주소를 바꿀 수 없어요.",
            "downloads": f"{short} 주문에는 지금 받을 수 있는 다운로드가 없어요.",
        }[kind]
    return {
        "cancel": f"Order {short} is {state}, so it can no longer be canceled.",
        "address": f"Order {short} is {state}, so its address can no longer change.",
        "downloads": f"Order {short} has no downloads open right now.",
    }[kind]


def action_unavailable(kind: str, orders: list[dict], facts: "ShopFacts", lang: str) -> str:
    """None of the customer's orders allows the action: say why, with the general answer."""
    general = {"cancel": cancel_answer, "address": address_answer, "downloads": download_answer}
    if not orders:
        lead = orders_overview([], lang)
    else:
        lead = " ".join(action_refused(kind, order, lang) for order in orders[:3])
    return f"{lead} {general[kind]('', facts, lang)}"


HANDOFF_SHORT = {
    "en": "If something is wrong with it, press “Talk to a person”.",
    "ko": "문제가 있다면 “Talk to a person”(상담원 연결)을 눌러 주세요.",
}
