#!/usr/bin/env bash
# Makes sure a Chromium is installed for the browser tests (test/e2e/) and prints its path. Safe to
# run again: it installs nothing when a browser is already there. See test/helpers/browser.ts.
# The tests drive the system's Chromium with playwright-core; `playwright install` is not used, as
# it downloads its own browser build, which our CI machines cannot do.
#
#   install-browser.sh    prints CHROMIUM_PATH if that is set and executable, else /usr/bin/chromium,
#                         installing Debian's chromium package first (as root, with apt-get) when
#                         that is missing
set -euo pipefail
default=/usr/bin/chromium
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2; exit 1; }
  echo "$CHROMIUM_PATH"
  exit 0
fi
if [ -x "$default" ]; then echo "$default"; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Chromium is not installed at $default: install it (on Debian or Ubuntu, as root:" \
    "apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary" >&2
  exit 1
fi
echo "installing Debian's chromium package (a few minutes)" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# apt's output goes to the log, shown only when a step fails; stdout carries just the path.
if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q && \
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "apt-get could not install chromium (its log's end is above); install it by hand, or set" \
    "CHROMIUM_PATH to a Chromium or Chrome binary" >&2
  exit 1
fi
[ -x "$default" ] || { echo "the chromium package did not install $default; set CHROMIUM_PATH" >&2; exit 1; }
echo "$default"
