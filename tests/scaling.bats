#!/usr/bin/env bats
# Scaling past one machine, as parcours(7) SCALING tells it: split the
# input by pathway, run the tool on each part, concatenate the outputs.
# The union must be the rows of one run over the whole input, no more, no
# fewer; the counts of the parts must add up to those of the one run.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	export LC_ALL=C
}

# split_export K FILE: FILE, a cp1252 ';' export with quoted line breaks,
# into part-0.csv .. part-(K-1).csv by a hash of the NIR with its spaces
# dropped, so that every row of a patient, repeats included, lands in one
# part; each part gets the header.  A record goes on while its quotes are
# unbalanced (RFC 4180: a doubled quote counts twice).
split_export() {
	awk -v k="$1" '
	NR == 1 { for (i = 0; i < k; i++) print > ("part-" i ".csv"); next }
	{
		if (!open) {
			split($0, f, ";")
			nir = f[2]
			gsub(/[ "]/, "", nir)
			h = 0
			for (i = 1; i <= length(nir); i++)
				h = (h * 31 + index("0123456789AB", \
				    substr(nir, i, 1))) % 65521
			out = "part-" (h % k) ".csv"
		}
		print > out
		q = gsub(/"/, "\"")
		if (q % 2)
			open = !open
	}' "$2"
}

# split_table K FILE PREFIX: a parcours table (no line break in a field)
# into PREFIX-0.csv ..  by a hash of its first column, the pathway_id.
split_table() {
	awk -F, -v k="$1" -v p="$3" '
	NR == 1 { for (i = 0; i < k; i++) print > (p "-" i ".csv"); next }
	{
		h = 0
		for (i = 1; i <= length($1); i++)
			h = (h * 31 + index("0123456789abcdef-", \
			    substr($1, i, 1))) % 65521
		print > (p "-" (h % k) ".csv")
	}' "$2"
}

# The body of a CSV file, sorted: the rows, without the header.
body() { tail -n +2 "$1" | sort; }

@test "an export split by patient imports to the rows of one run" {
	gen-export -s 11 -n 3000 -f dpi > export.csv
	run --separate-stderr pathway-new -m dpi-cp1252 -r rej.csv -o one.csv \
	    export.csv
	assert_failure 3
	one_counts=$stderr
	[[ "$one_counts" =~ ^pathway-new:\ 3000\ read,\ ([0-9]+)\ written,\ ([0-9]+)\ skipped,\ ([0-9]+)\ rejected$ ]]
	written=${BASH_REMATCH[1]} skipped=${BASH_REMATCH[2]}
	rejected=${BASH_REMATCH[3]}
	# the sample has a repeat, and rows of every kind of defect
	[ "$skipped" -ge 1 ]
	[ "$rejected" -ge 200 ]

	split_export 4 export.csv
	w=0 s=0 r=0 n=0
	for j in 0 1 2 3; do
		[ "$(wc -l < part-$j.csv)" -gt 100 ]
		run --separate-stderr pathway-new -m dpi-cp1252 \
		    -r rej-$j.csv -o out-$j.csv part-$j.csv
		assert_failure 3
		[[ "$stderr" =~ ^pathway-new:\ ([0-9]+)\ read,\ ([0-9]+)\ written,\ ([0-9]+)\ skipped,\ ([0-9]+)\ rejected$ ]]
		n=$((n + BASH_REMATCH[1])) w=$((w + BASH_REMATCH[2]))
		s=$((s + BASH_REMATCH[3])) r=$((r + BASH_REMATCH[4]))
		# the headers are the one run's
		[ "$(head -n 1 out-$j.csv)" = "$(head -n 1 one.csv)" ]
		[ "$(head -n 1 rej-$j.csv)" = "$(head -n 1 rej.csv)" ]
	done
	[ "$n $w $s $r" = "3000 $written $skipped $rejected" ]
	for j in 0 1 2 3; do tail -n +2 out-$j.csv; done | sort > merged.csv
	body one.csv > expected.csv
	[ "$(wc -l < merged.csv)" -eq "$written" ]
	cmp merged.csv expected.csv
}

@test "followup-due and ald30-check over a table split by pathway" {
	pathway-new -m dpi-cp1252 -o p.csv "$share/sample-dpi.csv" ||
	    [ $? -eq 3 ]
	pathway-event -m visits -P p.csv -o v.csv \
	    "$share/sample-visits.csv" 2>/dev/null || [ $? -eq 3 ]
	pathway-event -m ald -P p.csv -o a.csv "$share/sample-ald.csv" \
	    2>/dev/null || [ $? -eq 3 ]
	{ cat v.csv; tail -n +2 a.csv; } > e.csv
	[ "$(wc -l < p.csv)" -gt 250 ]
	[ "$(wc -l < e.csv)" -gt 1000 ]

	for tool in followup-due ald30-check; do
		run --separate-stderr "$tool" -n 2026-11-23 -E e.csv -o one.csv \
		    p.csv
		# something is overdue, or a problem found, in the sample
		assert_failure 1
		split_table 3 p.csv p
		split_table 3 e.csv e
		for j in 0 1 2; do
			[ "$(wc -l < p-$j.csv)" -gt 50 ]
			run --separate-stderr "$tool" -n 2026-11-23 -E e-$j.csv \
			    -o out-$j.csv p-$j.csv
			[ "$status" -le 1 ]
			[ "$(head -n 1 out-$j.csv)" = "$(head -n 1 one.csv)" ]
		done
		for j in 0 1 2; do tail -n +2 out-$j.csv; done | sort > merged.csv
		body one.csv > expected.csv
		[ "$(wc -l < merged.csv)" -eq "$(($(wc -l < p.csv) - 1))" ]
		cmp merged.csv expected.csv
	done
}

@test "a part given all the events judges its pathways the same" {
	pathway-new -m dpi-cp1252 -o p.csv "$share/sample-dpi.csv" ||
	    [ $? -eq 3 ]
	pathway-event -m visits -P p.csv -o e.csv \
	    "$share/sample-visits.csv" 2>/dev/null || [ $? -eq 3 ]
	run followup-due -n 2026-11-23 -E e.csv -o one.csv p.csv
	assert_failure 1
	split_table 2 p.csv p
	for j in 0 1; do
		run followup-due -n 2026-11-23 -E e.csv -o out-$j.csv p-$j.csv
		[ "$status" -le 1 ]
	done
	for j in 0 1; do tail -n +2 out-$j.csv; done | sort > merged.csv
	body one.csv > expected.csv
	cmp merged.csv expected.csv
}

# The literal text of the SCALING example of parcours(7), as typed.
scaling_commands() {
	awk '/^\.Sh SCALING/ { s = 1; next } /^\.Sh / { s = 0 }
	    s && /^\.Bd -literal/ { lit = 1; next } /^\.Ed/ { lit = 0 }
	    s && lit' "$root/man/parcours.7" | sed -e 's/\\e/\\/g'
}

@test "the SCALING example of parcours(7) splits and merges as one run" {
	pathway-new -m dpi-cp1252 -o pathways.csv "$share/sample-dpi.csv" ||
	    [ $? -eq 3 ]
	pathway-event -m visits -P pathways.csv -o events.csv \
	    "$share/sample-visits.csv" 2>/dev/null || [ $? -eq 3 ]
	scaling_commands > example.txt
	# the split: from the first "$ " to the line that ends the loop
	sed -n '1,/; done$/p' example.txt | sed 's/^\$ //' > split.sh
	grep -q "^for t in pathways events; do awk" split.sh
	sh split.sh
	for j in 0 1 2 3; do
		[ "$(wc -l < pathways-$j.csv)" -gt 30 ]
		run followup-due -n 2026-11-23 -E events-$j.csv \
		    -o due-$j.csv pathways-$j.csv
		[ "$status" -le 1 ]
	done
	# the merge: the last command, with its continuation
	tail -n 2 example.txt | sed 's/^\$ //' > merge.sh
	grep -q '^{ cat due-0.csv' merge.sh
	sh merge.sh
	run followup-due -n 2026-11-23 -E events.csv -o one.csv pathways.csv
	assert_failure 1
	[ "$(head -n 1 due.csv)" = "$(head -n 1 one.csv)" ]
	[ "$(wc -l < due.csv)" -eq "$(wc -l < one.csv)" ]
	cmp <(body due.csv) <(body one.csv)
}
