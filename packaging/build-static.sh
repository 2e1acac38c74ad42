#!/usr/bin/env bash
# Builds the self-contained release binary: Swift runtime and Foundation linked statically
# (--static-swift-stdlib), cmark-gfm from Debian's static archives, libstdc++ static, libcurl
# replaced by link-time stand-ins (packaging/no-curl.c). Prints the binary's path.
# See docs/install.md for why each piece is linked the way it is.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SCRATCH=.build/static
LIBS=$PWD/$SCRATCH/libs
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
mkdir -p "$LIBS/pkgconfig"

# Only static archives in LIBS, and LIBS named by a pkg-config file that shadows Debian's, so
# the linker's -lcmark-gfm finds the .a before any .so.
for a in libcmark-gfm.a libcmark-gfm-extensions.a; do
    [ -f "/usr/lib/$MULTIARCH/$a" ] || { echo "build-static: /usr/lib/$MULTIARCH/$a missing (apt install libcmark-gfm-dev libcmark-gfm-extensions-dev)" >&2; exit 2; }
    ln -sf "/usr/lib/$MULTIARCH/$a" "$LIBS/$a"
done
# A C compiler: the system's, else the one that comes with the Swift toolchain.
CC=${CC:-$(command -v cc || command -v gcc || echo "$(dirname "$(readlink -f "$(command -v "$SWIFT")")")/clang")}
STDCXX=$("$CC" -print-file-name=libstdc++.a)
[ -f "$STDCXX" ] || { echo "build-static: libstdc++.a not found (apt install libstdc++-12-dev)" >&2; exit 2; }
ln -sf "$STDCXX" "$LIBS/libstdc++.a"
"$CC" -O2 -c packaging/no-curl.c -o "$LIBS/no-curl.o"
ar rcs "$LIBS/libcurl.a" "$LIBS/no-curl.o"
cat > "$LIBS/pkgconfig/libcmark-gfm.pc" <<PC
Name: libcmark-gfm
Description: cmark-gfm, linked from Debian's static archives
Version: $(pkg-config --modversion libcmark-gfm)
Libs: -L$LIBS -lcmark-gfm-extensions -lcmark-gfm
Cflags: $(pkg-config --cflags libcmark-gfm)
PC

PKG_CONFIG_PATH="$LIBS/pkgconfig" "$SWIFT" build -c release --scratch-path "$SCRATCH" \
    --static-swift-stdlib -Xlinker -L"$LIBS" --product opsbook >&2
BIN=$SCRATCH/release/opsbook

# The promise of docs/install.md: nothing but the C library family is loaded at run time.
allowed='^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libgcc_s\.so\.1|/lib64/ld-linux-x86-64\.so\.2)$'
extra=$(ldd "$BIN" | awk '{print $1}' | grep -Ev "$allowed" || true)
if [ -n "$extra" ]; then echo "build-static: $BIN needs more than the C library: $extra" >&2; exit 1; fi
echo "$BIN"
