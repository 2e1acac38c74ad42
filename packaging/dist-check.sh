#!/usr/bin/env bash
# Installs dist/opsbook_*.deb into a minimal Debian made with debootstrap (no Swift, no
# cmark-gfm, nothing but what apt pulls in for the package) and starts and builds a new handbook
# there. Needs root, debootstrap and a Debian mirror; not part of CI's run (docs/install.md).
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=$(ls -t dist/opsbook_*_amd64.deb | head -1)
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CHROOT=$(mktemp -d /tmp/opsbook-dist-check.XXXXXX)
trap 'umount "$CHROOT/proc" 2>/dev/null || true; rm -rf "$CHROOT"' EXIT
command -v debootstrap >/dev/null || { echo "dist-check: apt install debootstrap" >&2; exit 2; }
debootstrap --variant=minbase "$SUITE" "$CHROOT" "$MIRROR" >&2
cp "$DEB" "$CHROOT/tmp/opsbook.deb"
mount -t proc proc "$CHROOT/proc"
chroot "$CHROOT" /bin/bash -euo pipefail -c '
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends /tmp/opsbook.deb
  opsbook --version
  man -w opsbook >/dev/null 2>&1 || test -f /usr/share/man/man1/opsbook.1.gz
  opsbook init /tmp/handbook
  opsbook build --root /tmp/handbook --no-search
  test -f /tmp/handbook/site/index.html
  echo "dist-check: the .deb installs and works on a minimal $(. /etc/os-release; echo "$PRETTY_NAME")"
'
