#!/usr/bin/env bash
# Writes dist/opsbook (the self-contained binary, stripped) and dist/opsbook_<version>_amd64.deb:
# the binary, its man page, bash/zsh/fish completions and a copyright file, built with dpkg-deb.
# The man page and completions are generated from the command definitions by
# swift-argument-parser. See docs/install.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
for tool in dpkg-deb dpkg-shlibdeps strip; do
    command -v "$tool" >/dev/null || { echo "build-deb: $tool missing (apt install dpkg-dev binutils)" >&2; exit 2; }
done
BIN=$(SWIFT=$SWIFT bash packaging/build-static.sh)
VERSION=$("$BIN" --version | sed -n 's/^opsbook //p')
# Debian's ordering: a dev build sorts before its release (~), commits after a tag after it (+).
DEB_VERSION=$(printf '%s' "$VERSION" | sed -E 's/-dev\./~dev./; s/-([0-9]+)-g/+\1.g/')
DATE=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)

rm -rf dist/pkg && mkdir -p dist/pkg
strip -o dist/opsbook "$BIN"
ROOT=dist/pkg/opsbook
install -D -m 755 dist/opsbook "$ROOT/usr/bin/opsbook"

# Man page: argument-parser's generate-manual plugin, from the debug build of the same tree.
"$SWIFT" package plugin generate-manual --configuration debug --date "$DATE" >&2
install -D -m 644 .build/plugins/GenerateManual/outputs/opsbook/opsbook.1 "$ROOT/usr/share/man/man1/opsbook.1"
gzip -9n "$ROOT/usr/share/man/man1/opsbook.1"

"$BIN" --generate-completion-script bash > dist/pkg/opsbook.bash
"$BIN" --generate-completion-script zsh > dist/pkg/_opsbook
"$BIN" --generate-completion-script fish > dist/pkg/opsbook.fish
install -D -m 644 dist/pkg/opsbook.bash "$ROOT/usr/share/bash-completion/completions/opsbook"
install -D -m 644 dist/pkg/_opsbook "$ROOT/usr/share/zsh/vendor-completions/_opsbook"
install -D -m 644 dist/pkg/opsbook.fish "$ROOT/usr/share/fish/vendor_completions.d/opsbook.fish"
install -D -m 644 packaging/copyright "$ROOT/usr/share/doc/opsbook/copyright"

# Depends: exactly the shared libraries the binary loads, as dpkg-shlibdeps maps them to
# packages and minimum versions (libc6, libgcc-s1).
mkdir -p dist/pkg/shlibs/debian
printf 'Source: opsbook\n\nPackage: opsbook\nArchitecture: amd64\n' > dist/pkg/shlibs/debian/control
DEPENDS=$(cd dist/pkg/shlibs && dpkg-shlibdeps -O "$OLDPWD/$ROOT/usr/bin/opsbook" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$ROOT/DEBIAN"
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: opsbook
Version: $DEB_VERSION
Architecture: amd64
Maintainer: $(git config user.name 2>/dev/null || echo opsbook maintainers) <$(git config user.email 2>/dev/null || echo opsbook@localhost)>
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Depends: $DEPENDS
Recommends: jq, python3, libjs-highlight.js
Section: admin
Priority: optional
Description: check and publish an ops handbook
 opsbook reads an operations handbook written in Markdown, runs its fenced
 check blocks against a target (a real system or recorded fixtures), decides
 every acceptance criterion and renders a static offline site with a verdict
 per criterion. One self-contained binary; commit $(sed -n 's/^commit //p' <<<"$("$BIN" --version)").
 .
 Recommended: jq (the usual way checks reduce JSON), python3 (site search and
 diagrams come from PyPI packages run with it) and libjs-highlight.js (code
 highlighting in the site).
CONTROL
DEB=dist/opsbook_${DEB_VERSION}_amd64.deb
dpkg-deb --root-owner-group --build "$ROOT" "$DEB" >&2
echo "$DEB"
