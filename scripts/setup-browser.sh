#!/usr/bin/env bash
# Installs the browser the browser tests drive (Debian's Chromium, through apt): only the test
# setup runs this, never `make build`, and it says so before it changes the system.
set -euo pipefail

if [[ ! -x /usr/bin/chromium ]]; then
  printf '\033[2m[setup-browser]\033[0m %s\n' "the browser tests need Chromium: installing Debian's chromium package with apt-get (system-wide)"
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi
