#!/usr/bin/env bats
# Faults (issue 5): a full disk, a closed pipe, a kill in the middle of -o,
# concurrent -a writers, read errors, a truncated last line, a directory
# and an unreadable file, for every tool.  The promise under test
# (parcours(7)): status 4 and a message for a system error, an -o
# destination left as it was, an -a table left as it was when the run
# fails, no temporary file left once the next run is over.
bats_require_minimum_version 1.5.0
load helper

# The tools that write tables; pps-render, which writes documents, has
# tests of its own below.
TOOLS='pathway-new pathway-event rcp-record ald30-check followup-due'
PW_HDR=ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date
EV_HDR=pathway_id,date,kind,until,detail,source,recorded_at
TAB_HDR=pathway_id,birth_date,icd10,diagnosis_date

setup() {
	helper_setup
	mnt=
	noread=
}

teardown() {
	if [ -n "$mnt" ]; then umount "$mnt" || true; fi
	if [ -n "$noread" ]; then rm -rf "$noread"; fi
}

# gen FILE TOOL N [W]: a header and N rows that TOOL accepts, every row
# distinct; W (default 1) picks another block of NIRs or ids, so that two
# files share no pathway.  For rcp-record and pps-render, the pathway
# table rp.csv too.  awk: a bash loop is slow under bats.
gen() {
	case $2 in
	rcp-record|pps-render)
		# pathways with what a PPS must name, then a case for each
		awk -v w="${4-1}" -v n="$3" 'BEGIN {
			print "ins,family_name,given_names,birth_date,sex," \
			    "icd10,diagnosis_date,referent_name," \
			    "referent_contact,team_contact"
			for (i = 0; i < n; i++) {
				b = 2550814000000 + w * 100000 + i
				printf "%.0f%02d,Martin,Jeanne,1955-08-02,F," \
				    "C50.9,2026-10-12,Dr Durand," \
				    "01 23 45 67 89,onco@example.org\n",
				    b, 97 - b % 97
			}
		}' > rp-in.csv
		pathway-new -o rp.csv rp-in.csv
		tail -n +2 rp.csv | awk -F, 'BEGIN {
			print "pathway_id,meeting_date,meeting_kind,mode," \
			    "motive,specialties,proposal,patient_decision," \
			    "decision_date"
		} {
			print $1 ",2026-11-02,standard,discussed,initial," \
			    "surgery|medical-oncology|radiotherapy," \
			    "surgery|radiotherapy,accepted,2026-11-03"
		}' > "$1"
		if [ "$2" = pps-render ]; then
			rcp-record -P rp.csv -o rcp.csv "$1"
			mv rcp.csv "$1"
		fi ;;
	pathway-new)
		{ printf '%s\n' "$PW_HDR"; awk -v w="${4-1}" -v n="$3" 'BEGIN {
			# 2550814 and 6 digits: NIRs of a woman born 1955-08,
			# key = 97 - N mod 97, exact as doubles
			for (i = 0; i < n; i++) {
				b = 2550814000000 + w * 100000 + i
				printf "%.0f%02d,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n",
				    b, 97 - b % 97
			}
		}'; } > "$1" ;;
	pathway-event)
		{ printf '%s\n' "$EV_HDR"; awk -v w="${4-1}" -v n="$3" 'BEGIN {
			for (i = 0; i < n; i++)
				printf "0000-%020d,2026-10-01,visit,,,,\n",
				    w * 1000000 + i
		}'; } > "$1" ;;
	*)
		{ printf '%s\n' "$TAB_HDR"; awk -v n="$3" 'BEGIN {
			for (i = 0; i < n; i++)
				printf "0000-%020d,1955-08-02,C50.9,2026-10-01\n", i
		}'; } > "$1" ;;
	esac
}

# The options every run of TOOL gets: a fixed as-of date for the checks,
# the pathway table for the RCP and the PPS.
opts() {
	case $1 in
	ald30-check|followup-due) echo "-n 2026-11-23" ;;
	rcp-record|pps-render) echo "-P rp.csv" ;;
	esac
}

# The first line TOOL writes for gen's input (made aside: gen replaces
# rp.csv).
out_hdr() (
	mkdir -p hdr && cd hdr && gen h.csv "$1" 1 &&
	# shellcheck disable=SC2046
	"$1" $(opts "$1") h.csv | head -1
)

# A 256 KiB tmpfs at ./m, unmounted by teardown.
small_disk() {
	mkdir m
	mount -t tmpfs -o size=256k,mode=0700 parcours-faults m 2>/dev/null ||
	    skip "mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN in the mount namespace)"
	mnt=$PWD/m
}

# ---- a full disk ----------------------------------------------------------

@test "faults: stdout on a full device (/dev/full): exit 4 and one message, every tool" {
	for t in $TOOLS; do
		gen in.csv "$t" 20000
		run --separate-stderr bash -c "$t $(opts "$t") in.csv > /dev/full"
		assert_equal "$status $t" "4 $t"
		assert_equal "$stderr" "$t: stdout: write error: No space left on device"
	done
}

@test "faults: -o on a full tmpfs: exit 4, the old file untouched, no temporary left, every tool" {
	small_disk
	for t in $TOOLS; do
		gen in.csv "$t" 10000
		printf 'the old table\n' > m/out.csv
		run --separate-stderr "$t" $(opts "$t") -o m/out.csv in.csv
		assert_equal "$status $t" "4 $t"
		assert_equal "$output" ""
		assert_equal "$stderr" "$t: m/out.csv: write error: No space left on device"
		assert_equal "$(cat m/out.csv)" "the old table"
		assert_equal "$(ls -A m)" "out.csv"
	done
}

@test "faults: -a on a full tmpfs: exit 4, nothing appended, the table as it was" {
	small_disk
	for t in pathway-new pathway-event rcp-record; do
		rm -f m/t.csv
		gen one.csv "$t" 1 9
		"$t" $(opts "$t") -a m/t.csv one.csv
		cp m/t.csv before.csv
		gen in.csv "$t" 10000
		run --separate-stderr "$t" $(opts "$t") -a m/t.csv in.csv
		assert_equal "$status $t" "4 $t"
		assert_equal "$stderr" "$t: m/t.csv: write error: No space left on device; nothing appended"
		cmp m/t.csv before.csv
		assert_equal "$(ls -A m)" "t.csv"
		# and the table still takes the next run
		rm in.csv; gen in.csv "$t" 3 8
		run "$t" $(opts "$t") -a m/t.csv in.csv
		assert_success
		assert_equal "$(wc -l < m/t.csv)" 5
	done
}

@test "faults: -a on a full tmpfs starting from no file leaves an empty file, which takes the next run" {
	small_disk
	gen in.csv pathway-new 10000
	run --separate-stderr pathway-new -a m/t.csv in.csv
	assert_failure 4
	assert_equal "$stderr" "pathway-new: m/t.csv: write error: No space left on device; nothing appended"
	assert_equal "$(stat -c %s m/t.csv)" 0
	gen one.csv pathway-new 1 9
	run pathway-new -a m/t.csv one.csv
	assert_success
	assert_equal "$(wc -l < m/t.csv)" 2
}

@test "faults: -r on a full tmpfs: exit 4, and the -o destination is left as it was" {
	small_disk
	# every row rejected: the sex is not a code
	gen in.csv pathway-new 10000
	sed -i '2,$s/,F,/,X,/' in.csv
	printf 'the old table\n' > out.csv
	run --separate-stderr pathway-new -r m/rej.csv -o out.csv in.csv
	assert_failure 4
	assert_equal "${stderr_lines[0]}" "pathway-new: m/rej.csv: write error: No space left on device"
	assert_equal "$(cat out.csv)" "the old table"
	assert_equal "$(ls -A m)" ""
	assert_equal "$(ls -A | grep -c '^\.out\.csv\.')" 0
}

@test "faults: TMPDIR on a full tmpfs past PARCOURS_REPEAT_MEMORY: exit 4, -o as it was, nothing left" {
	[ -z "${PARCOURS_VALGRIND-}" ] ||
	    skip "valgrind makes files of its own in TMPDIR"
	small_disk
	for t in pathway-new pathway-event rcp-record; do
		gen in.csv "$t" 10000
		printf 'the old table\n' > out.csv
		TMPDIR=$PWD/m PARCOURS_REPEAT_MEMORY=0 run --separate-stderr \
		    "$t" $(opts "$t") -o out.csv in.csv
		assert_equal "$status $t" "4 $t"
		assert_equal "$stderr" "$t: temporary file in $PWD/m: No space left on device"
		assert_equal "$(cat out.csv)" "the old table"
		assert_equal "$(ls -A m)" ""
		assert_equal "$(ls -A | grep -c '^\.out\.csv\.')" 0
	done
}

# ---- a closed pipe --------------------------------------------------------

@test "faults: '| head -1' ends every tool by SIGPIPE (status 141), silently" {
	for t in $TOOLS; do
		gen in.csv "$t" 20000
		want=$(out_hdr "$t")
		run --separate-stderr bash -c \
		    "$t $(opts "$t") in.csv | head -1; exit \${PIPESTATUS[0]}"
		assert_equal "$status $t" "141 $t"
		assert_equal "$output" "$want"
		assert_equal "$stderr" ""
	done
}

@test "faults: with SIGPIPE ignored, a closed pipe ends every tool quietly, with its status so far" {
	# ald30-check: every row judged so far is a problem (no ALD
	# request), so 1; the others had nothing to report, so 0.
	for t in $TOOLS; do
		gen in.csv "$t" 20000
		want=$(out_hdr "$t")
		run --separate-stderr bash -c "trap '' PIPE;
		    $t $(opts "$t") in.csv | head -1; exit \${PIPESTATUS[0]}"
		case $t in
		ald30-check) assert_equal "$status $t" "1 $t" ;;
		*) assert_equal "$status $t" "0 $t" ;;
		esac
		assert_equal "$output" "$want"
		assert_equal "$stderr" ""
	done
}

# ---- kill -9 in the middle of -o -----------------------------------------

# killed TOOL ROWS: runs TOOL -o out.csv on ROWS rows, SIGKILLs it once its
# temporary holds data, and checks that out.csv is as it was.  A second
# input that never comes (a FIFO no one writes to) keeps the run waiting
# once the first one's rows are in its temporary: a tool fast enough to
# finish between two looks at the directory would otherwise replace
# out.csv before the kill, and the test would fail by chance.
killed() {
	local t=$1 tmp= i pid
	gen big.csv "$t" "$2"
	printf 'the old table\n' > out.csv
	mkfifo stall
	# shellcheck disable=SC2046
	"$t" $(opts "$t") -o out.csv big.csv stall 2> /dev/null &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		tmp=$(find . -maxdepth 1 -name '.out.csv.*' -size +0 | head -1)
		[ -n "$tmp" ] && break
		sleep 0.05
	done
	kill -9 "$pid"
	wait "$pid" || true
	rm -f stall
	[ -n "$tmp" ] || fail "$t: no temporary file seen in 30 s"
	assert_equal "$(cat out.csv)" "the old table"
	# the kill did leave its temporary behind
	assert [ -e "$tmp" ]
}

@test "faults: kill -9 in the middle of -o: the old file intact; the next run removes the temporary" {
	killed pathway-new 300000
	gen in.csv pathway-new 2
	run pathway-new -o out.csv in.csv
	assert_success
	assert_equal "$(wc -l < out.csv)" 3
	assert_equal "$(ls -A | grep -c '^\.out\.csv\.')" 0
}

@test "faults: kill -9 of ald30-check -o: the same" {
	killed ald30-check 300000
	gen in.csv ald30-check 2
	run ald30-check -n 2026-11-23 -o out.csv in.csv
	assert_failure 1
	assert_equal "$(wc -l < out.csv)" 3
	assert_equal "$(ls -A | grep -c '^\.out\.csv\.')" 0
}

@test "faults: a temporary of a live run is not removed by another run" {
	[ -z "${PARCOURS_VALGRIND-}" ] ||
	    skip "waits for a 300,000-row run: minutes under valgrind"
	gen big.csv pathway-new 300000
	# its second input comes only once the other runs are done (killed()
	# says why): the long run is live all along, whatever the machine
	mkfifo stall
	pathway-new -o out.csv big.csv stall &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		tmp=$(find . -maxdepth 1 -name '.out.csv.*' | head -1)
		[ -n "$tmp" ] && break
		sleep 0.05
	done
	[ -n "$tmp" ] || fail "no temporary file seen in 30 s"
	gen in.csv pathway-new 2
	run pathway-new -o other.csv in.csv	# another destination: not touched
	assert_success
	# the same destination: the live run's temporary must survive it
	run pathway-new -o out.csv in.csv
	assert_success
	head -n 1 big.csv > stall	# a header and no row: the run ends
	wait "$pid"
	# the long run finished last: its table is the one in place, whole
	assert_equal "$(wc -l < out.csv)" 300001
	assert_equal "$(ls -A | grep -c '^\.out\.csv\.')" 0
}

@test "faults: a stale temporary of another destination is left alone" {
	printf 'x\n' > .other.csv.AbC123
	printf 'y\n' > .out.csv.tooLong7
	gen in.csv pathway-new 2
	run pathway-new -o out.csv in.csv
	assert_success
	assert [ -e .other.csv.AbC123 ]
	assert [ -e .out.csv.tooLong7 ]
}

# ---- concurrent -a --------------------------------------------------------

@test "faults: eight concurrent -a writers of 10,000 rows: one header, every row once, none torn" {
	for w in 1 2 3 4 5 6 7 8; do
		gen "in$w.csv" pathway-new 10000 "$w"
	done
	for w in 1 2 3 4 5 6 7 8; do
		pathway-new -a p.csv "in$w.csv" 2> "err$w" &
		pids[w]=$!
	done
	for w in 1 2 3 4 5 6 7 8; do
		wait "${pids[w]}" || fail "writer $w: exit $?: $(cat "err$w")"
		assert_equal "$(cat "err$w")" ""
	done
	assert_equal "$(head -1 p.csv)" "$(out_hdr pathway-new)"
	assert_equal "$(grep -c '^pathway_id,' p.csv)" 1
	assert_equal "$(wc -l < p.csv)" 80001
	# none torn: 20 fields each, a well-formed id, the fixed tail
	assert_equal "$(tail -n +2 p.csv | grep -Evc \
	    '^[0-9a-f]{4}-[0-9a-f]{20},[0-9]{15},,Martin,Jeanne,1955-08-02,F,C50\.9,,,2026-10-12,,,,,,,,,2026-11-23T00:00:00Z$')" 0
	tail -qn +2 in?.csv | cut -d, -f1 | sort > want
	tail -n +2 p.csv | cut -d, -f2 | sort > got
	cmp got want
	assert_equal "$(tail -n +2 p.csv | cut -d, -f1 | sort | uniq -d)" ""
}

# ---- read errors, directories, unreadable files ---------------------------

@test "faults: a directory given as input: its name and 'Is a directory', exit 4, every tool" {
	mkdir d
	for t in $TOOLS; do
		gen x.csv "$t" 1	# and rp.csv
		run --separate-stderr "$t" $(opts "$t") d
		assert_equal "$status $t" "4 $t"
		assert_equal "$stderr" "$t: d: Is a directory"
	done
}

@test "faults: a read error (/proc/self/mem: EIO): named, exit 4, -o left as it was, every tool" {
	for t in $TOOLS; do
		gen x.csv "$t" 1	# and rp.csv
		printf 'the old table\n' > out.csv
		run --separate-stderr "$t" $(opts "$t") -o out.csv /proc/self/mem
		assert_equal "$status $t" "4 $t"
		assert_equal "${stderr_lines[0]}" "$t: /proc/self/mem: Input/output error"
		assert_equal "${stderr_lines[1]}" "$t: out.csv: left as it was: an input could not be read"
		assert_equal "$(cat out.csv)" "the old table"
		assert_equal "$(ls -A | grep -c '^\.out\.csv\.')" 0
	done
}

@test "faults: -o or -a naming a directory: exit 4, the directory untouched" {
	mkdir d
	gen in.csv pathway-new 1
	run --separate-stderr pathway-new -o d in.csv
	assert_failure 4
	assert_equal "$stderr" "pathway-new: d: is a directory"
	run --separate-stderr pathway-new -a d in.csv
	assert_failure 4
	assert_equal "$stderr" "pathway-new: d: Is a directory"
	assert_equal "$(ls -A d)" ""
}

@test "faults: an unreadable file (mode 000, read as nobody): named, exit 4, every tool" {
	command -v setpriv > /dev/null || skip "setpriv(1) is missing"
	[ "$(id -u)" = 0 ] || skip "needs root to run as nobody"
	noread=$(mktemp -d /tmp/parcours-faults.XXXXXX)
	chmod 755 "$noread"
	cp "$PARCOURS_KEY" "$noread/site.key"
	chown nobody "$noread/site.key"
	for t in $TOOLS; do
		gen "$noread/in.csv" "$t" 1
		if [ -e rp.csv ]; then cp rp.csv "$noread/"; chmod 644 "$noread/rp.csv"; fi
		chmod 000 "$noread/in.csv"
		run --separate-stderr setpriv --reuid=nobody --regid=nogroup \
		    --clear-groups env PARCOURS_KEY="$noread/site.key" \
		    sh -c "cd $noread && exec $t $(opts "$t") in.csv"
		assert_equal "$status $t" "4 $t"
		assert_equal "$stderr" "$t: in.csv: Permission denied"
		rm -f "$noread/in.csv"
	done
}

# ---- a truncated last line ------------------------------------------------

@test "faults: a last line without its newline is still read, every tool" {
	for t in $TOOLS; do
		gen in.csv "$t" 3
		gen full.csv "$t" 3
		truncate -s -1 in.csv
		assert [ -n "$(tail -c 1 in.csv)" ]	# no final newline
		run --separate-stderr "$t" $(opts "$t") in.csv
		want=$("$t" $(opts "$t") full.csv 2>/dev/null || true)
		assert_equal "$output" "$want"
		assert_equal "$(printf '%s\n' "$output" | wc -l) $t" "4 $t"
	done
}

@test "faults: a last line cut inside a quoted field: the import tools reject that row only (exit 3)" {
	for t in pathway-new pathway-event rcp-record; do
		gen in.csv "$t" 3
		printf '"%s' "$(tail -1 in.csv)" > last
		sed -i '$d' in.csv
		cat last >> in.csv
		run --separate-stderr "$t" $(opts "$t") -t -r rej.tsv in.csv
		assert_failure 3
		assert_equal "${#lines[@]}" 3	# the header and two rows
		assert_equal "${stderr_lines[0]}" "$t: 3 read, 2 written, 0 skipped, 1 rejected"
		assert_equal "$(wc -l < rej.tsv)" 2
		assert_equal "$(tail -1 rej.tsv | awk -F '\t' '{ print $NF }')" \
		    "unterminated quoted field (opened on line 4, runs to the end of the input)"
	done
}

@test "faults: a last line cut inside a quoted field: the checks reject the table whole (exit 3)" {
	for t in ald30-check followup-due; do
		gen in.csv "$t" 3
		printf '"%s' "$(tail -1 in.csv)" > last
		sed -i '$d' in.csv
		cat last >> in.csv
		printf 'the old table\n' > out.csv
		run --separate-stderr "$t" $(opts "$t") -o out.csv in.csv
		assert_equal "$status $t" "3 $t"
		assert_equal "${stderr_lines[0]}" "$t: in.csv:4: unterminated quoted field (opened on line 4, runs to the end of the input)"
		assert_equal "$(cat out.csv)" "the old table"
	done
}

# ---- pps-render: documents, not tables -------------------------------------

@test "faults: pps-render on a full stdout (/dev/full): exit 4 and one message" {
	gen in.csv pps-render 200
	run --separate-stderr bash -c "pps-render -P rp.csv in.csv > /dev/full"
	assert_failure 4
	assert_equal "$stderr" "pps-render: stdout: write error: No space left on device"
}

@test "faults: pps-render -o DIR on a full tmpfs: exit 4, the documents written are whole, no temporary left" {
	small_disk
	gen in.csv pps-render 200
	mkdir whole
	pps-render -P rp.csv -o whole in.csv
	run --separate-stderr pps-render -P rp.csv -o m in.csv
	assert_failure 4
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^pps-render: m/.*: No space left on device$'
	assert_equal "$(ls -A m | grep -c '^\.')" 0
	n=0
	for f in m/*.txt; do
		cmp "$f" "whole/${f#m/}"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] && [ "$n" -lt 200 ]
}

@test "faults: pps-render '| head -1' ends quietly, status 0" {
	gen in.csv pps-render 200
	run --separate-stderr bash -c \
	    "pps-render -P rp.csv in.csv | head -1; exit \${PIPESTATUS[0]}"
	assert_success
	assert_equal "$output" "PROGRAMME PERSONNALISÉ DE SOINS (PPS)"
	assert_equal "$stderr" ""
}

@test "faults: pps-render reading a directory or /proc/self/mem: named, exit 4" {
	gen in.csv pps-render 1
	mkdir d
	run --separate-stderr pps-render -P rp.csv d
	assert_failure 4
	assert_equal "$stderr" "pps-render: d: Is a directory"
	run --separate-stderr pps-render -P rp.csv /proc/self/mem
	assert_failure 4
	assert_equal "$stderr" "pps-render: /proc/self/mem: Input/output error"
}
