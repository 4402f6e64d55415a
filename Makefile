# parcours - a toolchain for the French cancer care pathway.
# GNU make.  `make demo` and `make check` install the Debian packages they
# need when missing (as root), then build.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/parcours
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
override CFLAGS := -std=c11 -Wall -Wextra -pthread $(CFLAGS)
PKGS_PC = libbsd-overlay libpcre2-8 libsodium
override CPPFLAGS := -D_GNU_SOURCE -DLIBBSD_OPENBSD_VIS \
	-DPC_SHAREDIR='"$(SHAREDIR)"' -Ilib \
	$(shell pkg-config --cflags $(PKGS_PC) 2>/dev/null) $(CPPFLAGS)
LDLIBS = -lcsv $(shell pkg-config --libs $(PKGS_PC) 2>/dev/null) -pthread

# B is the build directory: build/ normally, build-asan/ for the
# AddressSanitizer + UndefinedBehaviorSanitizer variant.
B ?= build

# Every cmd/X.c is a tool X: install.bats requires its man page,
# completions and --help.
TOOLS = $(sort $(basename $(notdir $(wildcard cmd/*.c))))
TESTBINS = checkfield latestread gen-export
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(LIBSRC:lib/%.c=$(B)/lib/%.o)
MAN1 = $(TOOLS:%=man/%.1)
MAN = $(MAN1) man/parcours.5 man/parcours.7

DEBS = gcc make pkg-config libcsv-dev libpcre2-dev libbsd-dev libsodium-dev \
	bats bats-support bats-assert mandoc clang libclang-rt-14-dev chromium \
	valgrind parallel miller

.PHONY: all build check check-plain check-spill check-asan check-tsan check-fuzz deps demo \
	install uninstall \
	lint clean

all: build

build: $(TOOLS:%=$(B)/%) $(TESTBINS:%=$(B)/%)

$(B)/lib/%.o: lib/%.c lib/parcours.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libparcours.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(B)/%: cmd/%.c $(B)/libparcours.a lib/parcours.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libparcours.a $(LDLIBS)

$(B)/checkfield: tests/unit/checkfield.c $(B)/libparcours.a lib/parcours.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libparcours.a $(LDLIBS)

$(B)/latestread: tests/unit/latestread.c $(B)/libparcours.a lib/parcours.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libparcours.a $(LDLIBS)

$(B)/gen-export: tests/gen/gen-export.c tests/gen/rows.c tests/gen/rows.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/gen/gen-export.c tests/gen/rows.c

# The packages, when missing: as root through apt-get, else say which.
deps:
	@missing=; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		    grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			    apt-get install -y -qq --no-install-recommends \
			    $$missing >/dev/null || exit 1; \
		else \
			echo "missing Debian packages:$$missing"; \
			echo "run: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi

# The whole suite in the C locale and in a UTF-8 locale, the import tools'
# tests with their repeats on disk, then the whole suite again on the
# sanitized build and under valgrind's memcheck, the tests of the tools'
# threads under ThreadSanitizer, then the fuzz targets briefly.
check: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory check-plain
	@$(MAKE) --no-print-directory check-spill
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-tsan
	@$(MAKE) --no-print-directory check-valgrind
	@$(MAKE) --no-print-directory check-fuzz

check-plain:
	LC_ALL=C PARCOURS_BIN=$(CURDIR)/$(B) bats tests
	LC_ALL=C.UTF-8 PARCOURS_BIN=$(CURDIR)/$(B) bats tests

# The import tools' tests again with every row through the temporary files
# of lib/repeats.c (PARCOURS_REPEAT_MEMORY=0): what they expect of a run in
# memory must hold on disk, stdin, -a, -P, threads and messages included.
SPILL_TESTS = tests/pathway-new.bats tests/pathway-event.bats \
	tests/rcp-record.bats tests/threads.bats tests/scaling.bats

check-spill:
	PARCOURS_REPEAT_MEMORY=0 LC_ALL=C.UTF-8 PARCOURS_BIN=$(CURDIR)/$(B) \
	    bats $(SPILL_TESTS)

# The library's windows over a table's file (lib/latest.c) are 64 bytes
# here, so that the tests' small tables are read again across many.
check-asan:
	@$(MAKE) --no-print-directory B=build-asan \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -DLATEST_WINDOW=64" \
	    LDFLAGS="-fsanitize=address,undefined" build
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LC_ALL=C.UTF-8 PARCOURS_BIN=$(CURDIR)/build-asan bats tests

# pathway-new, pathway-event and rcp-record check rows on several threads
# (lib/pipeline.c): the files that run them, on four threads whatever the
# machine, under ThreadSanitizer; a data race fails the test that met it
# (exit 66, the report on stderr).
# ald30-check and followup-due judge rows in batches on several threads
# (lib/annotate.c): batches of 3 rows here, so that the tests' small tables
# are judged on all four, each thread reading the rows left in the pathway
# file through its own cursor, windows of 64 bytes (lib/latest.c;
# tests/latest.bats too); their event tables' ids are handed from thread
# to thread (lib/events.c) in chunks of 5 events.
TSAN_TESTS = tests/threads.bats tests/pathway-new.bats tests/scaling.bats \
	tests/hostile.bats tests/ald30-check.bats tests/followup-due.bats \
	tests/pathway-event.bats tests/rcp-record.bats tests/repeats.bats \
	tests/latest.bats

check-tsan:
	@$(MAKE) --no-print-directory B=build-tsan \
	    CFLAGS="-O1 -g -fsanitize=thread -DANNOTATE_BATCH=3 -DEVENTS_CHUNK=5 -DLATEST_WINDOW=64" \
	    LDFLAGS="-fsanitize=thread" build
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 PARCOURS_THREADS=4 \
	LC_ALL=C.UTF-8 PARCOURS_BIN=$(CURDIR)/build-tsan bats $(TSAN_TESTS)

# Each libFuzzer target briefly (FUZZ_SMOKE_SECONDS), its seeds and
# regression inputs first; make fuzz runs them longer.
check-fuzz:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory fuzz-smoke; \
	else echo "check-fuzz: no $(FUZZ_CC): the fuzz targets were not run"; fi

# Imports the bundled sample export with the demo key (never for real data)
# and shows what came out.
demo: deps
	@$(MAKE) --no-print-directory build
	@sh tests/demo.sh $(CURDIR)/$(B)

lint:
	mandoc -Tlint -Wwarning $(MAN)

install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(TOOLS:%=$(B)/%) $(DESTDIR)$(BINDIR)
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 0644 man/parcours.5 $(DESTDIR)$(MANDIR)/man5
	install -m 0644 man/parcours.7 $(DESTDIR)$(MANDIR)/man7
	cd share/parcours && find . -type f | while read -r f; do \
		install -D -m 0644 "$$f" "$(DESTDIR)$(SHAREDIR)/$$f" || exit 1; \
	done
	for t in $(TOOLS); do \
		install -m 0644 completions/bash/$$t $(DESTDIR)$(BASHCOMPDIR)/$$t; \
		install -m 0644 completions/zsh/_$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t; \
		install -m 0644 completions/fish/$$t.fish $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; \
	done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t \
	    $(DESTDIR)$(MANDIR)/man1/$$t.1 $(DESTDIR)$(BASHCOMPDIR)/$$t \
	    $(DESTDIR)$(ZSHCOMPDIR)/_$$t $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; done
	rm -f $(DESTDIR)$(MANDIR)/man5/parcours.5 $(DESTDIR)$(MANDIR)/man7/parcours.7
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build build-asan build-fuzz build-bench build-bench-asan build-valgrind build-tsan

include tests/fuzz/Makefile.inc
include tests/bench/Makefile.inc
include tests/valgrind/Makefile.inc
