#!/usr/bin/env bash
# Make sure the Debian packages named as arguments are installed.
# As root, install what is missing; otherwise print the exact apt-get line and fail.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "k2brief needs these Debian packages (WeasyPrint needs Pango; the documents embed Inter and Noto Serif):" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
