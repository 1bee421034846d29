#!/usr/bin/env bash
# Validate deploy/docker-compose.yml without a Docker daemon or any image:
# `docker compose config` when the plugin is there, else Debian's docker-compose
# (installed when missing, as root). Images are not pulled or built here.
set -eu
cd "$(dirname "$0")/.."
export SECRET_KEY="${SECRET_KEY:-compose-config-check}"
if docker compose version >/dev/null 2>&1; then
  exec docker compose -f deploy/docker-compose.yml config --quiet
fi
if ! command -v docker-compose >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null
fi
docker-compose -f deploy/docker-compose.yml config --quiet
echo "deploy/docker-compose.yml: valid"
