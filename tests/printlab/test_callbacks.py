"""The lab's CloudEvents callbacks: parsed, checked, taken once, and passed on as a signal."""

import json

import pytest
from django.urls import reverse

from printlab.callbacks import CallbackInvalid, callback_parse
from printlab.gateways import lab_callback_url
from printlab.models import LabEvent
from tests.printlab.conftest import order_request, print_item

TOKEN = "t0k3n-" + "x" * 40

# Prodigi's sample callback from its v4 reference, shortened.
SAMPLE = {
    "specversion": "1.0",
    "type": "com.prodigi.order.status.stage.changed#InProgress",
    "source": "http://api.prodigi.com/v4.0/Orders/",
    "id": "evt_305174",
    "time": "2020-08-14T11:51:01.55Z",
    "datacontenttype": "application/json",
    "data": {"order": {"id": "ord_1469466", "status": {"stage": "InProgress"}}},
    "subject": "ord_1469466",
}


def body(**changes) -> bytes:
    event = {**SAMPLE, **changes}
    return json.dumps({k: v for k, v in event.items() if v is not None}).encode()


def test_prodigis_sample_callback_parses():
    callback = callback_parse(body())
    assert callback.id == "evt_305174"
    assert callback.subject == "ord_1469466"
    assert callback.type == "com.prodigi.order.status.stage.changed#InProgress"
    assert callback.change == "InProgress"
    assert callback.time.year == 2020
    assert callback.data["order"]["status"]["stage"] == "InProgress"


def test_the_subject_may_be_read_from_the_order_in_data():
    assert callback_parse(body(subject=None)).subject == "ord_1469466"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (body(specversion="0.3"), "specversion"),
        (body(id=None), '"id" is missing'),
        (body(id="evt 1; drop"), "not an event id"),
        (body(source=""), '"source" is missing'),
        (body(subject="../../etc"), "not a lab order id"),
        (body(subject="ord_2"), "differ"),
        (body(data="order"), '"data" is not a JSON object'),
        (body(time="yesterday"), "RFC 3339"),
    ],
)
def test_a_malformed_callback_is_a_400_with_a_reason(raw, words):
    with pytest.raises(CallbackInvalid) as caught:
        callback_parse(raw)
    assert caught.value.status == 400
    assert words in str(caught.value)


def test_a_type_that_is_no_order_event_is_refused_as_unknown():
    with pytest.raises(CallbackInvalid) as caught:
        callback_parse(body(type="com.prodigi.product.discontinued#GLOBAL-FAP-8X8"))
    assert caught.value.status == 422
    assert "Unknown callback type" in str(caught.value)


# The view.


@pytest.fixture
def callback_path(settings, db):
    settings.LAB_CALLBACK_TOKEN = TOKEN
    settings.LAB_BACKEND = "prodigi"
    return reverse("lab_callback", kwargs={"token": TOKEN})


def post(client, path, raw: bytes):
    return client.post(path, raw, content_type="application/json")


def test_a_good_callback_is_accepted_recorded_and_passed_on(client, callback_path, lab_events):
    response = post(client, callback_path, body())
    assert response.status_code == 202
    assert response.content == b"Accepted."
    assert lab_events == [
        (
            "prodigi",
            "ord_1469466",
            "evt_305174",
            "com.prodigi.order.status.stage.changed#InProgress",
        )
    ]
    event = LabEvent.objects.get()
    assert (event.lab, event.event_id, event.lab_order_id) == (
        "prodigi",
        "evt_305174",
        "ord_1469466",
    )


def test_a_replayed_callback_is_taken_once(client, callback_path, lab_events):
    """The same event id again: 202 (the lab must stop sending it), no second signal."""
    assert post(client, callback_path, body()).status_code == 202
    replay = post(client, callback_path, body())
    assert replay.status_code == 202
    assert replay.content == b"Already received."
    assert len(lab_events) == 1
    assert LabEvent.objects.count() == 1


def test_events_arriving_out_of_order_are_each_passed_on(client, callback_path, lab_events):
    """Order is the shop's business (it re-fetches and never moves back); each event is a hint."""
    complete = body(id="evt_2", type="com.prodigi.order.status.stage.changed#Complete")
    assert post(client, callback_path, complete).status_code == 202
    assert post(client, callback_path, body(id="evt_1")).status_code == 202
    assert [e[2] for e in lab_events] == ["evt_2", "evt_1"]


def test_a_wrong_token_is_a_404_and_changes_nothing(client, callback_path, lab_events):
    response = post(client, reverse("lab_callback", kwargs={"token": "guess"}), body())
    assert response.status_code == 404
    assert lab_events == []
    assert not LabEvent.objects.exists()


def test_no_token_configured_means_no_callback_url(client, settings, db, lab_events):
    settings.LAB_CALLBACK_TOKEN = ""
    assert lab_callback_url() == ""
    response = post(client, reverse("lab_callback", kwargs={"token": "anything"}), body())
    assert response.status_code == 404
    assert lab_events == []


def test_the_callback_url_holds_the_token(settings):
    settings.LAB_CALLBACK_TOKEN = TOKEN
    settings.SITE_URL = "https://gallery.example.com"
    assert lab_callback_url() == f"https://gallery.example.com/lab/callbacks/{TOKEN}/"


def test_malformed_and_unknown_callbacks_get_4xx_and_change_nothing(
    client, callback_path, lab_events
):
    malformed = post(client, callback_path, b"{oops")
    assert malformed.status_code == 400
    assert b"Malformed callback" in malformed.content
    unknown = post(client, callback_path, body(type="com.example.thing#Happened"))
    assert unknown.status_code == 422
    assert lab_events == []
    assert not LabEvent.objects.exists()


def test_only_post_is_answered(client, callback_path):
    response = client.get(callback_path)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_receiver_that_fails_leaves_the_event_untaken_for_the_labs_retry(client, callback_path):
    """If the shop could not take it, the lab's next delivery is not dropped as a replay."""
    from printlab.signals import lab_order_changed

    def broken(**kwargs):
        raise RuntimeError("database went away")

    lab_order_changed.connect(broken, dispatch_uid="broken")
    try:
        client.raise_request_exception = False
        assert post(client, callback_path, body()).status_code == 500
    finally:
        lab_order_changed.disconnect(dispatch_uid="broken")
    assert not LabEvent.objects.exists()
    assert post(client, callback_path, body()).status_code == 202


@pytest.mark.django_db(transaction=True)
def test_prodigi_calls_back_over_http(live_server, settings, prodigi, master, lab_events):
    """The fake lab POSTs to the callback URL it was given; the shop hears of the order."""
    settings.LAB_CALLBACK_TOKEN = TOKEN
    settings.SITE_URL = live_server.url
    from printlab.gateways import lab_get

    order = lab_get().order_create(
        order_request(print_item(*master), callback_url=lab_callback_url())
    )
    prodigi.produce(order.id)
    prodigi.ship(order.id, ["AG-1001-1"])

    assert (
        prodigi.callback(
            order.id, "com.prodigi.order.status.stage.changed#Complete", event_id="evt_9"
        )
        == 202
    )
    assert (
        prodigi.callback(
            order.id, "com.prodigi.order.status.stage.changed#Complete", event_id="evt_9"
        )
        == 202
    )
    assert lab_events == [
        ("prodigi", order.id, "evt_9", "com.prodigi.order.status.stage.changed#Complete")
    ]
