#!/usr/bin/env bash
# The deploy and edge tests run deploy/nginx.conf for real in front of the
# server processes; it loads Debian's nchan module (the public edge). Install
# Debian's nginx and libnginx-mod-nchan when either is missing. Only the
# binary and the module are used: the tests start their own nginx on 127.0.0.1
# with a temporary prefix, so the package's own service is kept from starting
# (and from taking port 80).
set -u
NCHAN=/usr/lib/nginx/modules/ngx_nchan_module.so
have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }
if have_nginx && [ -e "$NCHAN" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's nginx and nchan module for the deploy and edge tests..."
  export DEBIAN_FRONTEND=noninteractive
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  apt-get update -qq && apt-get install -y -qq nginx libnginx-mod-nchan >/dev/null
  status=$?
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$status" = 0 ] && exit 0
fi
echo "nginx or its nchan module is not installed (apt-get install nginx libnginx-mod-nchan);"
echo "the deploy and edge tests will skip, or fail in CI."
exit 0
