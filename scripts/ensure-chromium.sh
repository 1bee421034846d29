#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with Playwright; install it when missing.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && exit 0
fi
echo "Chromium is not installed (apt-get install chromium); browser tests will skip, or fail in CI."
exit 0
