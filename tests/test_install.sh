#!/usr/bin/env bash
# test_install.sh: `make install` works: install the build into a scratch
# prefix and build a program against it with pkg-config, shared and static.
# Usage: test_install.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 TMP=$3/install
BUILD=$(dirname "$FSLAW")
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
if [ ! -e "$BUILD/libfslaw.so" ]; then # sanitizer builds make no shared library
  echo "test_install: skipped (no shared library in this build)"
  finish test_install
  exit
fi
cmake --install "$BUILD" --prefix "$TMP/prefix" >/dev/null && ok || bad "cmake --install"
for f in include/fslaw/fslaw.h include/fslaw/version.h lib/libfslaw.a lib/libfslaw.so lib/pkgconfig/fslaw.pc bin/fslaw; do
  [ -e "$TMP/prefix/$f" ] && ok || bad "installed $f"
done
cat >"$TMP/app.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <fslaw/fslaw.h>
int main(void) {
  fslaw_schedule *s;
  fslaw_error e;
  if (fslaw_schedule_create("linear:peak=2,steps=10", &s, &e)) return 1;
  char v[32]; /* the headers' version: the library's, in both spellings */
  snprintf(v, sizeof v, "%d.%d.%d", FSLAW_VERSION_NUMBER / 10000, FSLAW_VERSION_NUMBER / 100 % 100,
           FSLAW_VERSION_NUMBER % 100);
  if (strcmp(fslaw_version(), FSLAW_VERSION_STRING) || strcmp(v, FSLAW_VERSION_STRING)) return 2;
  printf("%s %g\n", fslaw_version(), fslaw_schedule_rate(s, 5));
  fslaw_schedule_destroy(s);
  return 0;
}
C
export PKG_CONFIG_PATH=$TMP/prefix/lib/pkgconfig
want="$("$FSLAW" --version | cut -d' ' -f2) 1"
cc "$TMP/app.c" $(pkg-config --cflags --libs fslaw) -o "$TMP/app" && ok || bad "build against the shared library"
[ "$(LD_LIBRARY_PATH=$TMP/prefix/lib "$TMP/app")" = "$want" ] && ok || bad "shared program runs"
cc "$TMP/app.c" $(pkg-config --cflags --static --libs fslaw | sed 's/-lfslaw/-l:libfslaw.a/') -o "$TMP/app_static" \
  && ok || bad "build against the static library"
[ "$("$TMP/app_static")" = "$want" ] && ok || bad "static program runs"
"$TMP/prefix/bin/fslaw" --version >/dev/null && ok || bad "installed tool runs"
# examples/fit_predict.c (the library's main path) built against the installed
# library gives the numbers of fslaw fit + fslaw eval, to the last digit
SRC=$2 D=$2/data/mpl/25M
cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/fit_predict.c" $(pkg-config --cflags --libs fslaw) -lm -o "$TMP/fit_predict" \
  && ok || bad "build examples/fit_predict.c"
LD_LIBRARY_PATH=$TMP/prefix/lib "$TMP/fit_predict" mtl "$D/cosine_72000.csv" "$D/cosine_24000.csv" "$D/constant_24000.csv" \
  >"$TMP/ex.txt" 2>"$TMP/err" && ok || bad "fit_predict runs: $(cat "$TMP/err")"
"$FSLAW" fit --law mtl --out "$TMP/mtl.json" "$D/cosine_24000.csv" "$D/constant_24000.csv" >/dev/null 2>&1 \
  && "$FSLAW" eval --params "$TMP/mtl.json" "$D/cosine_72000.csv" 2>/dev/null | sed -n 2p >"$TMP/eval.csv" && ok || bad "fit + eval"
awk -F, 'NR == FNR { r2 = $3; prede = $6; n = $2; next }
         $1 == "heldout" { exit !($3 == n && $5 == r2 && $7 == prede && r2 != "") }' "$TMP/eval.csv" FS=' ' "$TMP/ex.txt" \
  && ok || bad "fit_predict != fit + eval: $(cat "$TMP/ex.txt" "$TMP/eval.csv")"
# the README's library lines, as written there: HOME is a scratch folder
# holding the install, the cwd one that has the examples and data folders
H=$TMP/home W=$TMP/readme
mkdir -p "$H" "$W" && ln -s "$SRC/examples" "$W/examples" && ln -s "$SRC/data" "$W/data"
cmake --install "$BUILD" --prefix "$H/.local" >/dev/null && ok || bad "install into HOME/.local"
sed -n '/^## Library/,/^## /p' "$SRC/README.md" | sed -n '/^```sh/,/^```/p' | grep -v '^```' \
  | grep -v '^make install' >"$TMP/readme.sh"
[ "$(wc -l <"$TMP/readme.sh")" -ge 3 ] && ok || bad "README library lines: $(cat "$TMP/readme.sh")"
(cd "$W" && env -u PKG_CONFIG_PATH -u LD_LIBRARY_PATH HOME="$H" bash -e "$TMP/readme.sh") >"$TMP/readme.out" 2>&1 \
  && ok || bad "README library lines fail: $(tail -3 "$TMP/readme.out")"
cmp -s "$TMP/readme.out" "$TMP/ex.txt" && ok || bad "README's fit_predict output differs from the install test's"
# the shared library exports what the public headers declare, nothing else
# (a program's own csv_init must not replace the library's internals)
nm -D --defined-only "$TMP/prefix/lib/libfslaw.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' \
  | grep -v '^\.gomp_critical_user_' | sort >"$TMP/exported"
cat "$SRC"/include/fslaw/*.h | sed 's,/\*.*\*/,,; /^ *\*/d; /^ *\/\*/d; /#define/d' \
  | grep -oE '\bfslaw_[a-z0-9_]+ *\(' | sed 's/ *($//' | sort -u >"$TMP/declared"
[ -s "$TMP/exported" ] && comm -23 "$TMP/exported" "$TMP/declared" >"$TMP/extra" && [ ! -s "$TMP/extra" ] \
  && ok || bad "exported but not in a public header: $(head -5 "$TMP/extra" | tr '\n' ' ')"
comm -13 "$TMP/exported" "$TMP/declared" | grep -vx fslaw_status >"$TMP/missing"
[ ! -s "$TMP/missing" ] && ok || bad "declared but not exported: $(head -5 "$TMP/missing" | tr '\n' ' ')"
cat >"$TMP/clash.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <fslaw/fslaw.h>
void csv_init(void);
void csv_init(void) { exit(3); } /* a name the library uses inside */
int main(int argc, char **argv) {
  fslaw_run *r = NULL;
  int st = argc > 1 ? fslaw_run_read(argv[1], FSLAW_RUN_AUTO, NULL, &r, NULL) : 1;
  fslaw_run_destroy(r);
  return st;
}
C
cc "$TMP/clash.c" $(pkg-config --cflags --libs fslaw) -o "$TMP/clash" && LD_LIBRARY_PATH=$TMP/prefix/lib \
  "$TMP/clash" "$D/cosine_24000.csv" && ok || bad "a program's csv_init and the shared library"
cc "$TMP/clash.c" $(pkg-config --cflags --static --libs fslaw | sed 's/-lfslaw/-l:libfslaw.a/') -o "$TMP/clash_static" \
  && "$TMP/clash_static" "$D/cosine_24000.csv" && ok || bad "a program's csv_init and the static library"
# the headers from C++: extern "C", and a style with its flag is an int there
if command -v c++ >/dev/null; then
  cat >"$TMP/app.cc" <<'CC'
#include <fslaw/fslaw.h>
int main() {
  fslaw_svg *svg = fslaw_svg_create(1, 400, 300);
  const double x[2] = {1, 2}, y[2] = {3, 4};
  int st = svg ? fslaw_svg_series(svg, 0, "a", x, y, 2, FSLAW_SVG_LINE | FSLAW_SVG_SAME_COLOR, nullptr) : 1;
  fslaw_svg_destroy(svg);
  return st;
}
CC
  c++ -std=c++11 -Wall -Wextra -Werror "$TMP/app.cc" $(pkg-config --cflags --libs fslaw) -o "$TMP/app_cc" \
    && LD_LIBRARY_PATH=$TMP/prefix/lib "$TMP/app_cc" && ok || bad "a C++ program"
else
  echo "test_install: no C++ compiler here; the C++ check is skipped"
fi
# every installed header compiles alone, strict C11 (a program may include
# just the one it needs: table.h gives FSLAW_MAX_PARAMS for its values arrays)
for h in "$TMP"/prefix/include/fslaw/*.h; do
  body='return 0;'
  [ "${h##*/}" = table.h ] && body='double v[FSLAW_MAX_PARAMS] = {0}; return (int)v[0];'
  printf '#include <fslaw/%s>\nint main(void) { %s }\n' "${h##*/}" "$body" >"$TMP/one.c"
  cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only $(pkg-config --cflags fslaw) "$TMP/one.c" 2>"$TMP/err" \
    && ok || bad "${h##*/} alone: $(head -3 "$TMP/err")"
done
finish test_install
