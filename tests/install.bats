#!/usr/bin/env bats
# What a packager and a new user rely on: make install puts every file in
# place, the manuals are lint-clean, the completions load.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
}

@test "make install with PREFIX and DESTDIR installs binaries, manuals, completions and share" {
	run make -s -C "$root" install B="$(basename "$PARCOURS_BIN")" \
	    PREFIX=/usr DESTDIR="$BATS_TEST_TMPDIR/dest"
	assert_success
	d=$BATS_TEST_TMPDIR/dest/usr
	[ -x "$d/bin/pathway-new" ]
	[ -f "$d/share/man/man1/pathway-new.1" ]
	[ -f "$d/share/man/man5/parcours.5" ]
	[ -f "$d/share/man/man7/parcours.7" ]
	[ -f "$d/share/bash-completion/completions/pathway-new" ]
	[ -f "$d/share/zsh/site-functions/_pathway-new" ]
	[ -f "$d/share/fish/vendor_completions.d/pathway-new.fish" ]
	[ -f "$d/share/parcours/dpi-cp1252.map" ]
	[ -f "$d/share/parcours/sample-dpi.csv" ]
	[ "$(stat -c %a "$d/bin/pathway-new")" = 755 ]
}

@test "every manual page is mandoc -Tlint clean" {
	run mandoc -Tlint -Wwarning "$root"/man/*.[1-9]
	assert_success
	assert_output ""
}

@test "every tool has a manual page, a --help, and completions for bash, zsh and fish" {
	n=0
	for c in "$root"/cmd/*.c; do
		t=$(basename "$c" .c)
		n=$((n + 1))
		[ -f "$root/man/$t.1" ]
		[ -f "$root/completions/bash/$t" ]
		[ -f "$root/completions/zsh/_$t" ]
		[ -f "$root/completions/fish/$t.fish" ]
		"$t" --help >/dev/null
		"$t" --version >/dev/null
	done
	[ "$n" -ge 4 ]
}

@test "the bash completion loads and completes options and encodings" {
	run bash -c "source '$root/completions/bash/pathway-new' && complete -p pathway-new"
	assert_success
	assert_output --partial "pathway-new"
	run bash -c "source '$root/completions/bash/pathway-new'
		COMP_WORDS=(pathway-new -e ''); COMP_CWORD=2; COMP_LINE='pathway-new -e '; COMP_POINT=\${#COMP_LINE}
		f=\$(complete -p pathway-new | sed 's/.*-F \([^ ]*\).*/\1/'); \$f pathway-new '' -e
		printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	assert_line cp1252
	assert_line utf-8
}

@test "every option of --help is in the man page and the completions" {
	opts=$(pathway-new --help | sed -n 's/^  \(-[a-zA-Z]\) .*/\1/p')
	[ -n "$opts" ]
	for o in $opts; do
		grep -q "^\.It Fl ${o#-}" "$root/man/pathway-new.1"
		grep -q -- "$o" "$root/completions/bash/pathway-new"
		grep -q -- "${o#-}" "$root/completions/fish/pathway-new.fish"
	done
}
