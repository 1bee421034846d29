#!/usr/bin/env bash
# The screenshots and the poster's PDF test (make test: browser) show Chinese
# text: install a CJK font when none is present.
set -u
if fc-list :lang=zh 2>/dev/null | grep -q .; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing fonts-wqy-microhei for the screenshots..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null; } && exit 0
fi
echo "No Chinese font found (apt-get install fonts-wqy-microhei); screenshots will show boxes and the poster test skips (fails in CI)."
exit 0
