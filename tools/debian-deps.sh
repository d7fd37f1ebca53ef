#!/usr/bin/env bash
# Install the Debian packages MotCua Kiosk needs beyond Python: Qt's system libraries (for the
# offscreen platform and for a real X11 window), Xvfb to run the app without a monitor, fonts
# with every Vietnamese letter, and the kiosk's Vietnamese voice (speech-dispatcher with its
# espeak-ng module: a Recommends of speech-dispatcher, so named here because of
# --no-install-recommends; a hung daemon cannot freeze the app, see docs/kiosk.md). Installs only what is missing; uses sudo when not root; does
# nothing (and says so) on a system without apt-get.
set -euo pipefail
PACKAGES=(
  python3-venv
  libegl1 libgl1 libopengl0 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 libxrender1 libxi6
  libpulse0 xvfb xauth fonts-dejavu-core poppler-utils
  zbar-tools cups cups-bsd cups-client printer-driver-cups-pdf postgresql
  speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
)
if ! command -v apt-get >/dev/null 2>&1; then
  echo "debian-deps: no apt-get here; install Qt 6's system libraries yourself" >&2
  exit 0
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "debian-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
