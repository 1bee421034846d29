"""The SMS adapters: Alibaba Cloud's request signature against its documented
example, the city gateway's HMAC checked by a real HTTP receiver on loopback,
the 70-character segments a text is billed in, and which replies (上行短信)
mean stop and which stored numbers they stop."""

from datetime import timedelta

from notifications_support import local_moment, rows, run_worker
from sqlalchemy import select

from hotline.integration.notifications_sms import aliyun_signature, percent_encode, segments
from hotline.rules.notifications import is_stop, phone_forms

# Alibaba Cloud SMS, "签名机制" (SendSms, RPC style, HMAC-SHA1, SignatureVersion
# 1.0): the request parameters of its worked example and the signature it gives.
DOCUMENTED = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}


def test_the_alibaba_signature_matches_the_documented_example():
    assert aliyun_signature(DOCUMENTED, "testSecret", "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert percent_encode("zJDF+Lrzhj/ThnlvIToysFRq6t4=") == "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"
    # The encoding the signature depends on: space %20, * %2A, ~ kept.
    assert percent_encode("a b*c~") == "a%20b%2Ac~"
    # Any other secret, parameter or method gives another signature.
    assert aliyun_signature(DOCUMENTED, "otherSecret", "GET") != "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert aliyun_signature(DOCUMENTED, "testSecret", "POST") != "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_texts_are_cut_into_seventy_character_segments():
    assert segments("短" * 70) == ["短" * 70]
    parts = segments("长" * 71)
    assert len(parts) == 2 and all(len(p) <= 67 for p in parts) and "".join(parts) == "长" * 71
    assert len(segments("x" * 201)) == 3  # 3 × 67
    parts = segments("x" * 202)
    assert len(parts) == 4 and "".join(parts) == "x" * 202


def test_the_gateway_receives_signed_texts_and_refuses_a_wrong_signature(notify_app):
    from hotline.changes import calls, commitments
    from hotline.clock import today
    from hotline.extensions import db
    from hotline.models import Show

    app = notify_app
    with app.test_request_context("/"):
        show = db.session.scalar(select(Show).limit(1))
        call = calls.log_call(
            show, topic="路灯", caller_phone="13800002222", notify=True, issue_code=False
        )
        commitments.create_commitment(
            call,
            department_id=1,
            pledge="修好路灯",
            official_name="周建华",
            official_title="局长",
            deadline=today() + timedelta(days=30),
            actor=None,
        )
        db.session.commit()
    app.config["HOTLINE_SMS_GATEWAY_SECRET"] = "not-the-shared-secret"
    moment = local_moment(app, 10)
    run_worker(app, moment)
    assert list(app.sms) == [] and app.sms.refused == 1
    assert rows(app, channel="sms")[0].status == "pending"  # refused: retried, not lost
    app.config["HOTLINE_SMS_GATEWAY_SECRET"] = "city-gateway-shared-secret"
    run_worker(app, moment + timedelta(minutes=2))
    [text] = list(app.sms)
    assert text["to"] == "13800002222"
    assert text["segments"] == len(segments(text["text"])) and text["segments"] >= 2


def test_a_reply_is_a_stop_only_when_it_is_one_stop_word():
    # The carriers' 退订 and TD (T), the platforms' N and 取消, the English words:
    # as typed, in any case, with spaces, full-width letters or a full stop.
    for text in (
        "退订",
        " 退订。",
        "TD",
        "td",
        "Ｔｄ",
        "T",
        "n",
        "取消",
        "Stop",
        "STOP!",
        "unsubscribe",
    ):
        assert is_stop(text), text
    # A question about stopping, a sentence around the word, thanks, nothing.
    for text in (
        "退订是什么意思",
        "请不要退订",
        "好的",
        "NO",
        "TDD",
        "stopped",
        "",
        "退 订",
        "退订" * 30,
    ):
        assert not is_stop(text), text


def test_a_reply_number_matches_the_numbers_as_the_desk_stores_them():
    forms = phone_forms("+86 139-0000-1111")
    assert forms == phone_forms("13900001111") == phone_forms("008613900001111")
    assert {"13900001111", "8613900001111", "008613900001111"} == forms
    assert phone_forms("") == phone_forms("12345") == phone_forms("no number") == frozenset()
    assert "13900001112" not in forms
