"""Questions shoppers ask the support bot, with the facts a right answer must contain.

The shop they are asked of is `known_shop` in test_question_set.py. HANDOFF means the bot
should say it does not know and offer a person. Facts are matched case-insensitively. These
phrasings are deliberately not the ones chatbot/intents.py learns from.
"""

HANDOFF = "HANDOFF"

QUESTIONS: list[tuple[str, list[str]]] = [
    # Prices, sizes, formats by name or size.
    ("how much do your prints cost?", ["$24.00", "$32.00", "$45.00"]),
    ("whats the price of the 20x20", ["$32.00"]),
    ("How much is the 30×40cm print?", ["$45.00"]),
    ("price for 40 x 40?", ["$79.00"]),
    ("do you have A3?", ["A3", "$45.00"]),
    ("what sizes can i pick from", ["15×15", "20×20", "30×40", "40×40"]),
    ("what's your biggest print?", ["Canvas 40×40 cm", "$79.00"]),
    ("smallest size you sell?", ["15×15", "$24.00"]),
    ("what's the cheapest thing in the shop", ["$5.00"]),
    ("price for just the digital file", ["$5.00"]),
    ("how much r the posters", ["$24.00", "$45.00"]),
    ("Could I have my artwork printed on canvas?", ["Canvas 40×40 cm", "$79.00"]),
    ("canvas price?", ["$79.00"]),
    ("why is the bigger size greyed out for me", ["dots per inch"]),
    # Shipping: cost, time, countries.
    ("how much to ship a print", ["$7.50"]),
    ("shippng price pls", ["$7.50"]),
    ("is delivery free?", ["$7.50"]),
    ("when would my poster arrive if I order today", ["working days"]),
    ("shipping takes how long?", ["3 to 7"]),
    ("do u ship to canada", ["Canada", "yes"]),
    ("Can you deliver to Brazil?", ["Brazil"]),
    ("do you ship to china", ["don't ship to China"]),
    ("which countries do you deliver to?", ["Japan", "United States"]),
    # Problems, refunds, cancelling, address.
    ("my print came with a big tear in it", ["photo"]),
    ("hlep my prnt arived damagd", ["photo"]),
    ("the corner of the canvas was smashed when it arrived", ["photo"]),
    ("can I get money back if I dont like the print", ["refunded in full"]),
    ("refund policy?", ["refunded in full"]),
    ("how can i cancel the order i just placed", ["Cancel order", "production"]),
    ("is it possible to cancel after I paid", ["production", "refund"]),
    ("I typed my street wrong, can you fix the address?", ["address", "Talk to a person"]),
    # Downloads, painting, payment, privacy.
    ("where do i find my downloaded file", ["My orders", "PNG"]),
    ("what format is the file, jpg?", ["PNG"]),
    ("how long will it take to paint my image", ["two minutes"]),
    ("how many pictures can I generate each day", ["12 images a day"]),
    ("what payment do you take", ["cards"]),
    ("can I pay by paypal?", ["Stripe"]),
    ("can strangers see the pictures I create?", ["private"]),
    ("who gets the original file of my art", ["full-resolution original"]),
    ("how do I buy one of these as a print", ["checkout", "$24.00"]),
    # Entries managers added in the admin.
    ("do you sell gift cards?", ["gift cards from $25"]),
    ("can I use the image for my business?", ["commercial use"]),
    # Greetings, orders, nonsense.
    ("hi!", ["Hello"]),
    ("where's my order", ["Log in"]),
    ("asdfgh jkl", [HANDOFF]),
    ("what's the best pizza in town?", [HANDOFF]),
    # Korean: prices, sizes, formats.
    ("프린트 가격이 어떻게 되나요?", ["$24.00", "$32.00"]),
    ("20x20 사이즈는 얼마예요?", ["$32.00"]),
    ("30×40cm 프린트 가격 알려주세요", ["$45.00"]),
    ("A3 크기도 있나요?", ["A3"]),
    ("어떤 크기들이 있어요?", ["15×15", "40×40"]),
    ("제일 큰 사이즈가 뭐예요?", ["Canvas 40×40 cm"]),
    ("가장 작은 프린트는 얼마죠?", ["$24.00"]),
    ("다운로드 파일은 얼마인가요", ["$5.00"]),
    ("캔버스로 제작해 주시나요?", ["$79.00"]),
    ("캔버스는 얼마예요", ["$79.00"]),
    ("큰 사이즈가 선택이 안 되는데 왜 그래요?", ["DPI"]),
    # Korean: shipping.
    ("배송비 얼마 나와요?", ["$7.50"]),
    ("배송비 얼마에여", ["$7.50"]),
    ("주문하면 언제 받아볼 수 있나요?", ["영업일"]),
    ("배송 기간은 보통 며칠인가요", ["3~7"]),
    ("캐나다로도 배송돼요?", ["캐나다"]),
    ("한국으로 보내 주실 수 있어요?", ["한국"]),
    ("중국으로 배송 가능해요?", ["중국", "않아요"]),
    ("어느 나라까지 배송하나요?", ["일본", "미국"]),
    # Korean: problems, refunds, cancelling, address.
    ("그림이 찢어진 채로 배송됐어요", ["사진"]),
    ("캔버스 모서리가 부서져서 왔어요 어떻게 하죠", ["사진"]),
    ("환불 받을 수 있나요?", ["전액 환불"]),
    ("맘에 안 들면 돈 돌려주나요", ["환불"]),
    ("환불되나여", ["환불"]),
    ("주문을 취소하려면 어떻게 하나요", ["Cancel order", "제작"]),
    ("결제 후에도 취소 되나요?", ["제작", "환불"]),
    ("주소를 잘못 적었는데 수정 가능할까요", ["주소", "Talk to a person"]),
    # Korean: downloads, painting, payment, privacy.
    ("구매한 파일은 어디서 다운받아요?", ["My orders", "PNG"]),
    ("파일 확장자가 뭐예요? jpg인가요", ["PNG"]),
    ("그림 생성하는 데 얼마나 걸려요?", ["2분"]),
    ("하루에 그림 몇 개까지 만들 수 있나요", ["12장"]),
    ("결제는 어떻게 하나요? 카드 되나요", ["카드"]),
    ("카카오페이로 결제 가능한가요", ["Stripe"]),
    ("제 그림을 다른 사람들이 볼 수 있나요?", ["비공개"]),
    ("원본 파일은 누가 받을 수 있어요?", ["원본"]),
    ("이 그림 프린트로 사려면 어떻게 해요?", ["결제", "$24.00"]),
    # Korean: managers' entries, greetings, orders, nonsense.
    ("기프트카드 파나요?", ["gift cards from $25"]),
    ("상업적으로 사용해도 되나요?", ["commercial use"]),
    ("안녕하세요", ["안녕하세요"]),
    ("내 주문 어디쯤 왔어요?", ["로그인"]),
    ("ㅁㄴㅇㄹ", [HANDOFF]),
    ("오늘 날씨 어때요?", [HANDOFF]),
]
