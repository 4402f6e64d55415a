# Loaded by every bats file: the binaries under test first on PATH
# (PARCOURS_BIN: build/ or build-asan/), bats-support and bats-assert, a
# private copy of the demo key (a key readable by others gets a warning).
root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
: "${PARCOURS_BIN:=$root/build}"
PATH="$PARCOURS_BIN:$PATH"
share=$root/share/parcours
export SOURCE_DATE_EPOCH=1795392000	# 2026-11-23T00:00:00Z
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

helper_setup() {
	cp "$share/demo.key" "$BATS_TEST_TMPDIR/site.key"
	chmod 600 "$BATS_TEST_TMPDIR/site.key"
	export PARCOURS_KEY=$BATS_TEST_TMPDIR/site.key
	cd "$BATS_TEST_TMPDIR" || return 1
}
export PARCOURS_SHARE=$share

# The shell commands of a manual page's EXAMPLES ("$ " lines and their
# continuations), with the installed share directory replaced by ours, so
# that the test suite runs the examples as a reader would type them.
man_examples() {
	awk '/^\.Sh EXAMPLES/ { ex = 1; next } /^\.Sh / { ex = 0 }
	    ex && /^\.Bd -literal/ { lit = 1; next } /^\.Ed/ { lit = 0 }
	    ex && lit' "$root/man/$1" |
	    sed -e 's/\\e/\\/g' -e 's/^\$ //' \
	        -e "s|/usr/local/share/parcours|$share|g"
}
