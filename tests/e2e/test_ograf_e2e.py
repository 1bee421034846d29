"""Hotline's OGraf graphics in Chromium, driven as an OGraf renderer drives
them: the module imported, its element made, load() then playAction(); the
lower third shows what the desk put on air and follows a change; stopAction()
takes it off; the ticker crawls the show's commitments."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hotline.changes import onair
from hotline.extensions import db
from hotline.models import Call, Commitment, OnAirKind

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}

MOUNT = """async ([module, tag, show]) => {
  const {default: Graphic} = await import(module);
  customElements.define(tag, Graphic);
  const el = document.createElement(tag);
  document.body.append(el);
  const loaded = await el.load({data: {show, lang: "en", pollSeconds: 1},
                                renderType: "realtime", renderCharacteristics: {}});
  const played = await el.playAction({});
  return {loaded: loaded.statusCode, played: played.statusCode, step: played.currentStep};
}"""


def _put_on_air(app, show_id, call_id):
    with app.test_request_context():
        onair.put_on_air(show_id, OnAirKind.CALL, call_id, None)
        db.session.commit()


def test_the_graphics_play_what_is_on_air(live_server, contexts):
    app = live_server.app
    with app.app_context():
        # A show of the demo with calls and commitments (the ticker has items).
        show_id = db.session.scalar(
            select(Call.show_id).join(Commitment, Commitment.call_id == Call.id).limit(1)
        )
        calls = db.session.scalars(
            select(Call).where(Call.show_id == show_id).order_by(Call.number)
        ).all()
        first, second = (calls[0].id, calls[0].topic), (calls[1].id, calls[1].topic)
        pledge = db.session.scalar(
            select(Commitment.pledge)
            .join(Call, Commitment.call_id == Call.id)
            .where(Call.show_id == show_id)
        )
    _put_on_air(app, show_id, first[0])

    page = contexts(viewport=FULL_HD, bypass_csp=True).new_page()
    page.goto(f"{live_server}/static/ograf/hotline/lower-third.ograf.json")
    answer = page.evaluate(
        MOUNT, ["/static/ograf/hotline/lower-third.mjs", "hotline-lower-third", show_id]
    )
    assert answer == {"loaded": 200, "played": 200, "step": 0}
    card = page.locator("hotline-lower-third .card")
    expect(card).to_have_class("card on")
    expect(page.locator("hotline-lower-third .headline")).to_have_text(first[1])
    expect(page.locator("hotline-lower-third .kicker")).to_contain_text("Call #1")
    expect(page.locator("hotline-lower-third .code")).to_contain_text("Verification code")

    # The desk puts another call on air: the playing graphic follows.
    _put_on_air(app, show_id, second[0])
    expect(page.locator("hotline-lower-third .headline")).to_have_text(second[1], timeout=10_000)

    stopped = page.evaluate(
        "async () => (await document.querySelector('hotline-lower-third')"
        ".stopAction({skipAnimation: true})).statusCode"
    )
    assert stopped == 200
    expect(card).to_have_class("card")

    # The ticker, in the same renderer.
    answer = page.evaluate(MOUNT, ["/static/ograf/hotline/ticker.mjs", "hotline-ticker", show_id])
    assert answer == {"loaded": 200, "played": 200, "step": 0}
    expect(page.locator("hotline-ticker .bar")).to_have_class("bar on")
    expect(page.locator("hotline-ticker .label")).to_have_text("Commitments")
    expect(page.locator("hotline-ticker .track")).to_contain_text(pledge[:20])
