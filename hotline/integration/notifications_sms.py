"""Text messages for notifications, through the provider the office
configures (HOTLINE_SMS_PROVIDER): the city's own SMS gateway (a signed HTTP
POST, the shape most government platforms take) or Alibaba Cloud SMS
(SendSms, signed as its documentation says; no SDK needed for one call).

Providers in China send only approved templates (短信模板) under an approved
signature (签名): a message is a template code and its parameters, each short
(the provider renders the text). The gateway gets the rendered text too, for
platforms that take free text. A text is billed in 70-character segments, 67
each once it is longer (the rest carries the joining header): segments()."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from flask import current_app

SEGMENT = 70  # characters of one text message (UCS-2: Chinese)
PART = 67  # of each part of a longer one
TIMEOUT = 10


class SmsError(Exception):
    """The provider refused or could not be reached: retried later."""


def segments(text: str) -> list[str]:
    """The parts a text is sent as: one of up to 70 characters, or parts of 67."""
    if len(text) <= SEGMENT:
        return [text]
    return [text[i : i + PART] for i in range(0, len(text), PART)]


# --- the city's gateway ---------------------------------------------------------------------


def gateway_signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256, hex, over the timestamp followed by the body."""
    return hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).hexdigest()


# How far a reply's X-Timestamp may be from now, either way (a replayed or
# delayed request beyond it is refused).
INBOUND_WINDOW = 300


def gateway_verified(timestamp: str, signature: str, body: bytes, now: float | None = None) -> bool:
    """A request from the city gateway (a reply, 上行短信): signed like ours to
    it, with the shared secret, and stamped within INBOUND_WINDOW seconds."""
    secret = current_app.config.get("HOTLINE_SMS_GATEWAY_SECRET") or ""
    if not secret or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    moment = time.time() if now is None else now
    if abs(moment - int(timestamp)) > INBOUND_WINDOW:
        return False
    expected = gateway_signature(secret, timestamp, body)
    given = signature.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected.encode(), given)


def _post(url: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    request = Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (office's URL)
    try:
        with urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, response.read(10_000)
    except HTTPError as failure:
        return failure.code, b""
    except (URLError, OSError) as failure:
        raise SmsError("connection failed") from failure


def send_gateway(phone: str, text: str, params: dict, key: str) -> None:
    config = current_app.config
    body = json.dumps(
        {
            "id": key,  # the same on a retry: the gateway drops a repeat
            "to": phone,
            "sign": config["HOTLINE_SMS_SIGN_NAME"],
            "template": config["HOTLINE_SMS_TEMPLATE"],
            "params": params,
            "text": text,
            "segments": len(segments(text)),
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    timestamp = str(int(time.time()))
    status, _ = _post(
        config["HOTLINE_SMS_GATEWAY_URL"],
        body,
        {
            "Content-Type": "application/json; charset=utf-8",
            "X-Timestamp": timestamp,
            "X-Signature": gateway_signature(config["HOTLINE_SMS_GATEWAY_SECRET"], timestamp, body),
        },
    )
    if not 200 <= status < 300:
        raise SmsError(f"gateway answered {status}")


# --- Alibaba Cloud SMS ------------------------------------------------------------------------


def percent_encode(value: str) -> str:
    """RFC 3986, as Alibaba Cloud's RPC signature wants it: A-Z a-z 0-9 - _ . ~
    kept, everything else %XY of its UTF-8 bytes (a space is %20, not +)."""
    return quote(value, safe="-_.~")


def aliyun_signature(params: dict, secret: str, method: str = "POST") -> str:
    """Base64(HMAC-SHA1(secret + "&", method&%2F&percentEncode(sorted query)))."""
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items())
    )
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def aliyun_params(phone: str, params: dict, key: str, now: datetime | None = None) -> dict:
    """The SendSms request's parameters, unsigned; `now` in naive UTC."""
    config = current_app.config
    moment = now or datetime.now(UTC).replace(tzinfo=None)
    return {
        "AccessKeyId": config["HOTLINE_SMS_ALIYUN_KEY_ID"],
        "Action": "SendSms",
        "Format": "JSON",
        "OutId": key[:64],
        "PhoneNumbers": phone,
        "RegionId": "cn-hangzhou",
        "SignName": config["HOTLINE_SMS_SIGN_NAME"],
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": str(uuid.uuid4()),
        "SignatureVersion": "1.0",
        "TemplateCode": config["HOTLINE_SMS_TEMPLATE"],
        "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
        "Timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": "2017-05-25",
    }


def send_aliyun(phone: str, params: dict, key: str) -> None:
    config = current_app.config
    query = aliyun_params(phone, params, key)
    query["Signature"] = aliyun_signature(query, config["HOTLINE_SMS_ALIYUN_KEY_SECRET"], "POST")
    body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in query.items())
    status, answer = _post(
        config["HOTLINE_SMS_ALIYUN_ENDPOINT"],
        body.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        code = json.loads(answer or b"{}").get("Code")
    except ValueError:
        code = None
    if status != 200 or code != "OK":
        raise SmsError(f"aliyun answered {status} {code or ''}".strip())


def configured() -> bool:
    config = current_app.config
    provider = config.get("HOTLINE_SMS_PROVIDER")
    if provider == "gateway":
        return bool(
            config.get("HOTLINE_SMS_GATEWAY_URL") and config.get("HOTLINE_SMS_GATEWAY_SECRET")
        )
    if provider == "aliyun":
        return bool(config.get("HOTLINE_SMS_ALIYUN_KEY_ID") and config.get("HOTLINE_SMS_TEMPLATE"))
    return False


def send(phone: str, text: str, params: dict, key: str) -> None:
    """One text message through the configured provider; SmsError if refused."""
    if current_app.config.get("HOTLINE_SMS_PROVIDER") == "aliyun":
        send_aliyun(phone, params, key)
    else:
        send_gateway(phone, text, params, key)
