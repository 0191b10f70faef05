"""What a shopper is asking the offline support bot, in English or Korean.

Each intent has many example phrasings. A question is matched by TF-IDF cosine over
character n-grams (2 to 4 characters inside each word, so Korean particles and typos still
share most of their grams with the examples) plus whole words, against every example; an
intent scores the mean of its two nearest examples. Pure Python and built once per process.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

# Endings that Korean glues onto words; stripped for the whole-word features only.
KOREAN_PARTICLES = sorted(
    [
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "에",
        "에서",
        "에게",
        "으로",
        "로",
        "의",
        "도",
        "만",
        "요",
        "까지",
        "부터",
        "와",
        "과",
        "랑",
        "이랑",
        "한테",
        "께",
        "이나",
        "나",
        "이요",
        "인가요",
        "인데",
        "인데요",
        "이에요",
        "예요",
        "에요",
        "입니다",
        "은요",
        "는요",
        "이랑은",
        "으로도",
        "로도",
        "에도",
        "에서도",
        "들이",
        "들은",
        "들을",
        "들도",
        "들",
        # Verb endings, so "환불되나여" and "환불 되나요" share the stem.
        "되나요",
        "되나여",
        "되나",
        "돼요",
        "되요",
        "됐어요",
        "됐나요",
        "됩니까",
        "되는지",
        "될까요",
        "되죠",
        "해요",
        "하나요",
        "할까요",
        "합니까",
        "해주세요",
        "해도",
        "하죠",
        "하려면",
        "나요",
        "나여",
        "여",
        "죠",
    ],  # noqa: SIM905
    key=len,
    reverse=True,
)
STOP_WORDS = frozenset(  # noqa: SIM905
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "have",
        "how",
        "i",
        "im",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "there",
        "any",
        "get",
        "would",
        "please",
        "just",
        "want",
        "need",
        "tell",
        "know",
        "let",
        "some",
        "about",
        "am",
        "its",
        "it's",
        "there's",
    ]
    # Korean words that end or frame almost any question.
    + [
        "어떻게",
        "어떤",
        "하나요",
        "있나요",
        "되나요",
        "수",
        "있어요",
        "있을까요",
        "있는지",
        "해요",
        "돼요",
        "되요",
        "되는지",
        "할",
        "제",
        "저",
        "저는",
        "좀",
        "이거",
        "그거",
        "혹시",
        "뭐예요",
        "뭐에요",
        "알려주세요",
        "주세요",
        "가능한가요",
        "가능해요",
        "가능할까요",
        "가능",
        "싶어요",
        "하고",
        "건가요",
        "인가요",
        "나요",
        "요",
        "그리고",
        "근데",
        "너무",
        "정말",
        "그냥",
        "하면",
        "해야",
        "하나",
        "되나",
    ]
)
WORD_WEIGHT = 1.5


def language_of(text: str) -> str:
    """'ko' when Hangul is at least a third of the letters, else 'en'."""
    letters = LETTER.findall(text)
    if not letters:
        return "en"
    hangul = sum(1 for ch in letters if HANGUL.match(ch))
    return "ko" if hangul * 3 >= len(letters) else "en"


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return text.replace("×", "x").replace("’", "'")


def _stem(word: str) -> str:
    if HANGUL.match(word):
        for particle in KOREAN_PARTICLES:
            if word.endswith(particle) and len(word) - len(particle) >= 2:
                return word[: -len(particle)]
        return word
    if len(word) > 4 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxh":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def features(text: str) -> Counter:
    """Character n-grams of each word (with edge marks) and stemmed content words."""
    grams: Counter = Counter()
    for word in TOKEN.findall(normalize(text)):
        if word in STOP_WORDS:
            continue
        stem = _stem(word)
        # A Korean particle is noise to the grams; an English ending may be a typo's victim.
        padded = f"<{stem}>" if HANGUL.match(word) else f"<{word}>"
        for size in (2, 3, 4):
            for start in range(len(padded) - size + 1):
                grams[padded[start : start + size]] += 1
        grams["w:" + stem] += 1
    return grams


@dataclass(frozen=True)
class Match:
    label: str
    score: float


class Matcher:
    """Nearest examples by TF-IDF cosine; `idf_from` lends another corpus's IDF."""

    def __init__(
        self,
        examples: Iterable[tuple[str, str] | tuple[str, str, float]],
        idf_from: "Matcher | None" = None,
        top: int = 2,
    ):
        self.top = top
        self.labels: list[str] = []
        self.weights: list[float] = []  # an example's cosine is scaled by its weight
        counted: list[Counter] = []
        for label, text, *weight in examples:
            self.labels.append(label)
            self.weights.append(weight[0] if weight else 1.0)
            counted.append(features(text))
        if idf_from is None:
            frequency = Counter(gram for doc in counted for gram in doc)
            total = len(counted)
            self.idf = {g: math.log((1 + total) / (1 + n)) + 1 for g, n in frequency.items()}
            self.unseen_idf = math.log(1 + total) + 1
        else:
            self.idf, self.unseen_idf = idf_from.idf, idf_from.unseen_idf
        self.vectors = [self.vector(doc) for doc in counted]

    def vector(self, counts: Counter) -> dict[str, float]:
        weights = {}
        for gram, count in counts.items():
            weight = (1 + math.log(count)) * self.idf.get(gram, self.unseen_idf)
            weights[gram] = weight * WORD_WEIGHT if gram.startswith("w:") else weight
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {gram: w / norm for gram, w in weights.items()}

    def scores(self, text: str) -> dict[str, float]:
        """Each label's score: its best example cosine, or the mean of its two best."""
        query = self.vector(features(text))
        best: dict[str, list[float]] = {}
        for label, doc, scale in zip(self.labels, self.vectors, self.weights, strict=True):
            cosine = scale * sum(w * doc.get(g, 0.0) for g, w in query.items())
            top = best.setdefault(label, [0.0, 0.0])
            if cosine > top[0]:
                top[0], top[1] = cosine, top[0]
            elif cosine > top[1]:
                top[1] = cosine
        counts = Counter(self.labels)
        return {
            label: (top[0] + top[1]) / 2 if self.top == 2 and counts[label] > 1 else top[0]
            for label, top in best.items()
        }

    def best(self, text: str) -> Match:
        ranked = sorted(self.scores(text).items(), key=lambda item: item[1], reverse=True)
        if not ranked:
            return Match("", 0.0)
        return Match(*ranked[0])


# The phrasings. Keep them varied: how people really write, short and long, with and
# without the shop's own words, in English and Korean.
INTENTS: dict[str, list[str]] = {
    "formats": [
        "anything larger than that?",
        "do you have something bigger",
        "more expensive options",
        "더 큰 사이즈 있어요",
        "가장 비싼 건",
        "which sizes do the prints come in",
        "크기별 가격",
        "사이즈 목록",
        "어떤 크기가 있는지 궁금해요",
        "how much does a print cost",
        "what are your prices",
        "price list please",
        "how much are your prints",
        "how expensive is a poster",
        "what does it cost to buy an artwork",
        "what sizes do you have",
        "which sizes are available",
        "what print sizes can I choose",
        "what formats do you sell",
        "do you have bigger sizes",
        "what is the biggest print you offer",
        "what's the largest size",
        "smallest print size",
        "cheapest option",
        "what is the cheapest thing I can buy",
        "how much for a 20x20 print",
        "price of the 15x22 print",
        "do you do A3 prints",
        "is there an A4 size",
        "how big are the prints",
        "dimensions of the prints",
        "cost of a digital download",
        "how much is the download",
        "what options are there to buy my image",
        "can I order a large poster",
        "do you sell 30x40 prints",
        "pricing for prints and downloads",
        "how much would it be",
        "print prices",
        "sizes and prices",
        "가격이 얼마예요",
        "프린트 가격 알려주세요",
        "얼마에요",
        "인화 비용이 어떻게 되나요",
        "사이즈는 어떤 게 있나요",
        "크기 종류 알려주세요",
        "어떤 사이즈로 주문할 수 있어요",
        "제일 큰 사이즈는 뭐예요",
        "가장 작은 크기는요",
        "제일 싼 건 얼마예요",
        "20x20 프린트는 얼마인가요",
        "A3 사이즈 있나요",
        "다운로드는 얼마예요",
        "디지털 파일 가격",
        "판매하는 상품 종류",
        "포스터 크기랑 가격",
        "출력 사이즈 문의",
        "가격표 보여주세요",
        "큰 사이즈도 있어요",
    ],
    "canvas": [
        "do you print on canvas",
        "can I get my art on canvas",
        "canvas prints available?",
        "how much is a canvas",
        "is there a canvas option",
        "I want my picture on a stretched canvas",
        "do you sell canvases",
        "canvas size",
        "can you make a canvas of my image",
        "what size is the canvas",
        "canvas wall art",
        "캔버스로 주문할 수 있나요",
        "캔버스 인쇄 되나요",
        "캔버스 가격이 얼마예요",
        "캔버스 사이즈는요",
        "그림을 캔버스에 뽑고 싶어요",
        "캔버스 액자 있나요",
        "캔버스 제작 가능해요",
    ],
    "shipping": [
        "shipping price",
        "price of delivery",
        "delivery fee",
        "what does postage cost",
        "when will the poster get here",
        "if I order now when does it come",
        "how long before my canvas arrives",
        "how many working days until it arrives",
        "배송 요금",
        "택배 도착 언제쯤",
        "주문하고 며칠 뒤에 받아요",
        "언제쯤 받아볼 수 있어요",
        "how much is shipping",
        "shipping cost",
        "what are the delivery charges",
        "is shipping free",
        "do I pay for postage",
        "how long does shipping take",
        "when will my print arrive",
        "how long until I receive my print",
        "delivery time",
        "how many days for delivery",
        "how fast do you ship",
        "when do prints ship",
        "how soon will I get the poster",
        "shipping time estimate",
        "is there express shipping",
        "how long does it take to make and send a print",
        "do downloads have shipping",
        "postage and packing",
        "when does it get delivered",
        "배송비 얼마예요",
        "배송비가 있나요",
        "무료 배송인가요",
        "택배비는요",
        "배송은 얼마나 걸려요",
        "언제 도착해요",
        "프린트 받으려면 며칠 걸리나요",
        "배송 기간이 어떻게 되나요",
        "발송은 언제 되나요",
        "배송 시간 알려주세요",
        "빨리 받을 수 있나요",
        "제작하고 배송까지 얼마나",
        "도착까지 며칠이에요",
    ],
    "countries": [
        "can I order from abroad",
        "ship outside the US?",
        "캐나다 배송 돼요",
        "외국으로 보내 주나요",
        "which countries do you ship to",
        "do you ship internationally",
        "do you deliver to Korea",
        "can you ship to the United States",
        "do you ship to Germany",
        "do you ship worldwide",
        "shipping to Japan possible?",
        "is delivery to Canada available",
        "I live in Australia, can I order a print",
        "countries you deliver to",
        "do you ship abroad",
        "international delivery",
        "can I get it sent to the UK",
        "어느 나라로 배송되나요",
        "해외 배송 되나요",
        "한국으로 배송 가능한가요",
        "미국으로 보내주실 수 있나요",
        "일본에도 배송해요",
        "국제 배송 하나요",
        "배송 가능 국가",
        "우리나라까지 배달되나요",
        "독일 배송 되나요",
        "해외에서도 주문할 수 있나요",
    ],
    "refund": [
        "refundable?",
        "환불돼요",
        "환불 되나요",
        "돈 돌려주세요",
        "환불해 주세요",
        "can I get a refund",
        "I want my money back",
        "what is your refund policy",
        "how do refunds work",
        "return policy",
        "can I return a print",
        "I don't like it, can I be refunded",
        "refund for a download",
        "money back guarantee",
        "how long does a refund take",
        "I was charged but want a refund",
        "can I send it back",
        "환불 가능한가요",
        "환불 받고 싶어요",
        "환불 규정이 어떻게 되나요",
        "반품할 수 있어요",
        "돈 돌려받을 수 있나요",
        "마음에 안 들면 환불되나요",
        "환불 신청은 어떻게 해요",
        "반품 정책",
        "결제 취소하고 환불",
    ],
    "damaged": [
        "the ink is smudged",
        "colours look faded",
        "the print is smeared",
        "there's a scratch on the canvas",
        "print looks blurry and washed out",
        "인쇄가 번졌어요",
        "색이 바랬어요",
        "얼룩이 있어요",
        "흐릿하게 인쇄됐어요",
        "파손된 상태로 도착했어요",
        "택배 상자가 망가지고 그림도 상했어요",
        "it came with a tear",
        "the print has a rip in it",
        "arrived creased and folded",
        "the corner is bent",
        "the glass was cracked",
        "smashed in transit",
        "찢어진 채로 왔어요",
        "모서리가 찌그러졌어요",
        "부서져서 왔어요",
        "깨진 채로 배송됐어요",
        "구겨진 상태로 받았어요",
        "파손됐어요 어떻게 해요",
        "my print arrived damaged",
        "the poster came torn",
        "the print is scratched",
        "package was crushed and the print is bent",
        "the canvas arrived broken",
        "my order came damaged what do I do",
        "the colors are wrong on my print",
        "there is a dent in my print",
        "the print was ripped in the mail",
        "wrong item arrived",
        "the print has a stain",
        "defective print",
        "print quality is bad, it's blurry",
        "it got wet during delivery",
        "프린트가 파손되어 왔어요",
        "찢어져서 왔어요",
        "그림에 흠집이 있어요",
        "배송 중에 구겨졌어요",
        "캔버스가 망가져서 도착했어요",
        "불량품이 왔어요",
        "인쇄 상태가 이상해요",
        "색이 이상하게 나왔어요",
        "상품이 훼손됐어요",
        "받은 게 깨져 있어요",
        "물에 젖어서 왔어요",
        "잘못된 상품이 왔어요",
    ],
    "cancel": [
        "how do I cancel my order",
        "I want to cancel",
        "cancel my purchase please",
        "can I still cancel",
        "I ordered by mistake, cancel it",
        "stop my order",
        "I changed my mind about the print",
        "is it too late to cancel",
        "can I cancel after paying",
        "cancel an order that is in production",
        "how to cancel",
        "주문 취소하고 싶어요",
        "취소할 수 있나요",
        "주문 취소 방법",
        "실수로 주문했어요 취소해 주세요",
        "결제했는데 취소 가능해요",
        "마음이 바뀌었어요 주문 취소",
        "아직 취소 되나요",
        "취소하려면 어떻게 해요",
        "주문을 취소해주세요",
    ],
    "address": [
        "change the delivery location",
        "can it be delivered to my office instead",
        "deliver it somewhere else",
        "change where the print is sent",
        "new delivery address please",
        "주소 변경",
        "배송 받을 곳 변경",
        "다른 곳으로 배송해 주세요",
        "can I change my shipping address",
        "I entered the wrong address",
        "update my delivery address",
        "I moved, can you send it to a new address",
        "change the address on my order",
        "typo in my address",
        "how do I edit the address",
        "wrong postcode on my order",
        "send it to a different address",
        "배송지 변경할 수 있나요",
        "주소를 잘못 입력했어요",
        "주소 바꾸고 싶어요",
        "배송 주소 수정",
        "이사했는데 주소 변경 가능해요",
        "우편번호를 틀렸어요",
        "다른 주소로 보내주세요",
        "받는 곳을 바꾸고 싶어요",
    ],
    "download": [
        "is it a jpg or png",
        "which file extension",
        "파일 확장자",
        "jpg로 받을 수 있나요",
        "어떤 파일 형식으로 받아요",
        "how do I download my image",
        "where is my download",
        "where can I find the file I bought",
        "what file type is the download",
        "is the download a png or jpg",
        "what resolution is the file",
        "I paid but can't find the download",
        "download link",
        "how do I get the digital file",
        "how big is the downloaded file",
        "can I download it again",
        "high resolution file",
        "다운로드는 어떻게 해요",
        "파일은 어디서 받아요",
        "구매한 이미지 다운로드",
        "파일 형식이 뭐예요",
        "png 파일인가요",
        "해상도가 어떻게 돼요",
        "다운로드 링크가 어디 있어요",
        "고해상도 파일 받을 수 있나요",
        "다시 다운로드할 수 있나요",
        "디지털 파일 받는 방법",
    ],
    "painting": [
        "how long to create a picture",
        "how quickly do images get made",
        "time to make an artwork",
        "이미지 만드는 시간",
        "생성 시간이 얼마나 돼요",
        "how long does painting an image take",
        "how long does it take to generate",
        "my image is still generating",
        "the painting is taking forever",
        "how many images can I create per day",
        "is there a daily limit",
        "I hit the limit for today",
        "how many pictures can I make",
        "why can't I create more images",
        "how long is the wait for my artwork",
        "generation is slow",
        "how many prompts a day",
        "how long can my prompt be",
        "does a failed image count",
        "이미지 생성은 얼마나 걸려요",
        "그림 만드는 데 시간이 얼마나 걸리나요",
        "생성이 너무 오래 걸려요",
        "하루에 몇 장 만들 수 있어요",
        "하루 제한이 있나요",
        "오늘 더 이상 못 만들어요",
        "몇 개까지 생성 가능해요",
        "그림이 아직 안 나와요",
        "프롬프트는 몇 자까지 돼요",
        "실패한 것도 횟수에 포함돼요",
    ],
    "payment": [
        "google pay",
        "american express accepted?",
        "debit card ok?",
        "애플페이 되나요",
        "삼성페이 가능해요",
        "네이버페이 결제",
        "체크카드 돼요",
        "which payment methods do you accept",
        "can I pay with a credit card",
        "do you take paypal",
        "can I pay with visa",
        "how can I pay",
        "is apple pay accepted",
        "what currency are the prices in",
        "can I pay in dollars",
        "do you accept mastercard",
        "payment options",
        "is paying safe",
        "결제 방법이 뭐가 있나요",
        "카드 결제 되나요",
        "신용카드로 결제할 수 있어요",
        "페이팔 되나요",
        "어떻게 결제해요",
        "카카오페이 되나요",
        "통화는 뭐예요",
        "무통장 입금 가능한가요",
        "결제 수단",
    ],
    "privacy": [
        "publish my picture in the shop",
        "make my artwork public",
        "turn my image private again",
        "is what I make public by default",
        "does everyone see my creations",
        "내가 만든 그림이 공개돼요",
        "다른 사람에게 보여요",
        "비공개 설정 방법",
        "who can see my images",
        "are my pictures private",
        "is my artwork public",
        "can other people see what I made",
        "how do I make an image private",
        "can I hide my image from the shop",
        "will you sell my image to others",
        "who can download my original",
        "is my prompt visible to others",
        "privacy of my pictures",
        "how do I share my image publicly",
        "내 그림은 다른 사람이 볼 수 있나요",
        "이미지 비공개로 할 수 있어요",
        "공개 여부 설정",
        "다른 사람이 내 작품 원본을 받을 수 있나요",
        "내 이미지가 공개되나요",
        "개인정보 보호",
        "비공개로 바꾸고 싶어요",
        "내 그림을 숨기고 싶어요",
        "공유하면 누가 보나요",
    ],
    "size_disabled": [
        "why is a print size greyed out",
        "why can't I choose the big print",
        "the larger size is disabled",
        "why is 20x20 unavailable for my image",
        "print option grayed out",
        "why can't I select this size",
        "my image is too small to print",
        "what resolution do prints need",
        "dpi requirement",
        "사이즈가 회색으로 비활성화돼 있어요",
        "큰 사이즈를 선택할 수 없어요",
        "왜 이 크기는 선택이 안 돼요",
        "해상도가 부족하다고 나와요",
        "인쇄 사이즈가 비활성화",
        "dpi가 뭐예요",
    ],
    "how_to_order": [
        "how do I place an order",
        "how to make a purchase",
        "ordering steps",
        "주문하는 방법 알려주세요",
        "결제까지 어떻게 해요",
        "how do I get this one printed",
        "steps to buy a print",
        "사려면 어떻게 해요",
        "구매하려면 어떻게 하나요",
        "이 작품을 인쇄해서 받고 싶어요",
        "how do I order a print",
        "how can I buy this picture",
        "how do I purchase an artwork",
        "how does ordering work",
        "can I buy someone else's artwork",
        "how do I order my own image as a print",
        "where do I buy",
        "주문은 어떻게 해요",
        "어떻게 구매하나요",
        "프린트 주문 방법",
        "내 그림을 출력 주문하고 싶어요",
        "이 작품 사고 싶어요",
    ],
    "order_status": [
        "where is my order",
        "track my order",
        "what is the status of my order",
        "has my order shipped",
        "my order hasn't arrived yet",
        "order status",
        "where is my parcel",
        "did you send my package",
        "tracking number",
        "is my order on its way",
        "주문 어디쯤 왔어요",
        "제 주문 상태 알려주세요",
        "주문한 거 언제 와요",
        "배송 조회",
        "택배 어디까지 왔나요",
        "주문 확인하고 싶어요",
        "발송됐나요",
        "운송장 번호",
    ],
    "human": [
        "I want to talk to a person",
        "can I speak to a human",
        "contact support",
        "customer service please",
        "how can I reach you by email",
        "real person please",
        "let me talk to someone",
        "상담원 연결해 주세요",
        "사람이랑 얘기하고 싶어요",
        "고객센터 연락처",
        "직원과 대화하고 싶어요",
        "이메일로 문의하고 싶어요",
    ],
    "greeting": [
        "thanks a lot",
        "cheers",
        "고맙습니다",
        "감사해요",
        "좋은 하루 되세요",
        "hello",
        "hi there",
        "hey",
        "good morning",
        "thanks",
        "thank you",
        "thank you so much",
        "great thanks",
        "안녕하세요",
        "안녕",
        "감사합니다",
        "고마워요",
        "반가워요",
    ],
}


@cache
def intent_matcher() -> Matcher:
    return Matcher((label, text) for label, texts in INTENTS.items() for text in texts)


def intent_of(text: str) -> Match:
    return intent_matcher().best(text)
