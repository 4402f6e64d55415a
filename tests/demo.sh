#!/bin/sh
# make demo: import the bundled synthetic exports with the demo key (a
# public key: never for real data) and show the pathways and the rejects.
set -u
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
share=$root/share/parcours
out=$root/build/demo
rm -rf "$out"
mkdir -p "$out"
cp "$share/demo.key" "$out/demo.key"
chmod 600 "$out/demo.key"
export PARCOURS_KEY="$out/demo.key"
PATH=$bin:$PATH
cd "$out" || exit 1

run() {
	echo "\$ $*"
	"$@"
	echo "(exit status $?)"
	echo
}

echo "== 1. A Windows-1252, semicolon, CRLF hospital export through its map."
echo "   -v prints every rejected row (they also go to rejects.csv) and the counts."
run pathway-new -v -m "$share/dpi-cp1252.map" -P pathways.csv -r rejects.csv \
    -a pathways.csv "$share/sample-dpi.csv"
echo "== 2. The same export again: every pathway is known, nothing is added."
run pathway-new -m "$share/dpi-cp1252.map" -P pathways.csv -r rejects-again.csv \
    -a pathways.csv "$share/sample-dpi.csv"
echo "== 3. A UTF-8 export with a BOM, comma-separated, through its own map."
run pathway-new -m "$share/web-utf8.map" -P pathways.csv -r rejects-web.csv \
    -a pathways.csv "$share/sample-web.csv"
echo "== 4. The pathway table: $(($(wc -l < pathways.csv) - 1)) pathways; the first five (some columns)."
head -n 6 pathways.csv | cut -d, -f1,6,7,8,10,11,12
echo
ls -l "$out"
