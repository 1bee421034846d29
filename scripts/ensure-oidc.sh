#!/usr/bin/env bash
# The single sign-on tests run a real OpenID Connect provider on loopback
# (tests/oidc/provider.mjs, the npm package oidc-provider, pinned by
# tests/oidc/package-lock.json). Install Debian's nodejs and npm when missing,
# then the provider's packages with `npm ci` into tests/oidc/node_modules
# (git-ignored), again whenever the lock file changes. oidc-provider 9 needs
# Node.js 20.12 or later: Debian 13's nodejs, not Debian 12's (the tests say so).
set -u
cd "$(dirname "$0")/.."
missing=""
command -v node >/dev/null 2>&1 || command -v nodejs >/dev/null 2>&1 || missing="nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's$missing for the single sign-on tests..."
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086 # one package name per word
  apt-get update -qq && apt-get install -y -qq $missing >/dev/null
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are not installed (apt-get install nodejs npm); the single sign-on tests will skip, or fail in CI."
  exit 0
fi
lock=tests/oidc/package-lock.json
installed=tests/oidc/node_modules/.package-lock.json
if [ ! -e "$installed" ] || [ "$lock" -nt "$installed" ]; then
  echo "Installing the test OpenID Connect provider (npm ci in tests/oidc)..."
  (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error) \
    || echo "npm ci failed; the single sign-on tests will skip, or fail in CI."
fi
exit 0
