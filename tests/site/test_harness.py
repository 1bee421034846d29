"""The test run's own harness: a hang must not hold CI to its time limit,
neither a close Chromium never answers (seen once in CI, after a test had
passed) nor a test that never returns."""

import subprocess
import sys

import pytest
from conftest import ROOT
from fixtures.browsers import close_in_time


class ClosedByRunning:
    """Something whose close() runs `script` in `page` and waits for it."""

    def __init__(self, page, script: str):
        self.page, self.script = page, script

    def close(self):
        self.page.evaluate(self.script)


@pytest.mark.browser
def test_a_close_chromium_never_answers_kills_it_and_the_next_test_gets_a_fresh_one(browser):
    hung = browser.current()
    # A promise that never settles: like the hung close, this waits on
    # Chromium for good, until Chromium is gone.
    never_answered = ClosedByRunning(browser.new_page(), "() => new Promise(() => {})")
    with pytest.warns(UserWarning, match="was killed"):
        close_in_time(never_answered, seconds=1)
    assert not hung.is_connected()
    fresh = browser.new_page()
    assert fresh.evaluate("() => 1 + 1") == 2
    assert browser.current() is not hung
    fresh.close()


@pytest.mark.browser
def test_a_close_that_fails_on_a_live_browser_is_not_hidden(browser):
    page = browser.new_page()
    fails = ClosedByRunning(page, "() => { throw new Error('not a hang') }")
    with pytest.raises(Exception, match="not a hang"):
        close_in_time(fails, seconds=30)
    assert browser.current().is_connected()
    page.close()


def test_a_test_that_hangs_ends_the_run_with_its_stack(tmp_path, pytestconfig):
    assert float(pytestconfig.getini("timeout")) > 0  # every test has a limit
    hangs = tmp_path / "test_hangs.py"
    hangs.write_text("import time\n\ndef test_forever():\n    time.sleep(3600)\n")
    # The project's own settings (pyproject.toml), with a shorter limit.
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(ROOT)]
        + ["-c", str(ROOT / "pyproject.toml"), "--timeout", "2", str(hangs)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "Timeout" in run.stdout + run.stderr
    assert "test_forever" in run.stdout + run.stderr  # where it hung
