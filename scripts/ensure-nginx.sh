#!/usr/bin/env bash
# The deploy test runs deploy/nginx.conf for real in front of two server
# processes; install Debian's nginx when it is missing. Only the binary is
# used: the test starts its own nginx on 127.0.0.1 with a temporary prefix,
# so the package's own service is kept from starting (and from taking port 80).
set -u
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's nginx for the deploy test..."
  export DEBIAN_FRONTEND=noninteractive
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
  status=$?
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$status" = 0 ] && exit 0
fi
echo "nginx is not installed (apt-get install nginx); the deploy test will skip, or fail in CI."
exit 0
