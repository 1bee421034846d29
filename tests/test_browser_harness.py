"""The browser tests' own harness: a close Chromium never answers must not
hang the run (seen once in CI, after a test had passed)."""

import pytest
from conftest import close_in_time

pytestmark = pytest.mark.browser


def test_a_close_chromium_never_answers_kills_it_and_the_next_test_gets_a_fresh_one(browser):
    hung = browser.current()
    page = browser.new_page()

    class NeverAnswered:
        def close(self):
            # A promise that never settles: like the hung close, this waits
            # on Chromium for good, until Chromium is gone.
            page.evaluate("() => new Promise(() => {})")

    with pytest.warns(UserWarning, match="was killed"):
        close_in_time(NeverAnswered(), seconds=1)
    assert not hung.is_connected()
    fresh = browser.new_page()
    assert fresh.evaluate("() => 1 + 1") == 2
    assert browser.current() is not hung
    fresh.close()


def test_a_close_that_fails_on_a_live_browser_is_not_hidden(browser):
    page = browser.new_page()

    class Fails:
        def close(self):
            page.evaluate("() => { throw new Error('not a hang') }")

    with pytest.raises(Exception, match="not a hang"):
        close_in_time(Fails(), seconds=30)
    assert browser.current().is_connected()
    page.close()
