#!/usr/bin/env bash
# npm test runs this first (the "pretest" script): the cache, bot and sharding tests start real Redis servers
# on free loopback ports, so redis-server must be on the PATH. When it is missing, Debian's redis-server
# package is installed (as root, or through sudo without a password prompt). Nothing is started here: each
# test starts and stops its own server.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then exit 0; fi

echo "pretest: redis-server is not installed; installing Debian's redis-server package for the tests" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "pretest: no apt-get here: install redis-server (6 or later) and put it on the PATH, then run npm test again" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "pretest: installing redis-server needs root: run 'sudo apt-get install redis-server', then npm test again" >&2
    exit 1
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
command -v redis-server >/dev/null 2>&1 || { echo "pretest: redis-server is still not on the PATH after installing it" >&2; exit 1; }
echo "pretest: installed $(redis-server --version | head -n 1)" >&2
