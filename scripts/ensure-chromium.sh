#!/usr/bin/env bash
# The HTML audit report is tested in a real browser: Debian's chromium, driven by playwright-core
# (which downloads no browser of its own). Installed here when missing, so `npm test` needs nothing else.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the report test..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "the report test needs chromium: install Debian's chromium package (apt-get install chromium)" >&2
  exit 1
fi
