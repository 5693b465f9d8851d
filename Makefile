# wb — WhatsApp Business tools for the Unix shell.
# Targets: all (default), deps, check, demo, bench, fuzz, install, clean.
# (Said here because the first rule below is the phone module's.)
.DEFAULT_GOAL := all

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
# wb's modules: the programs look for them in ../lib/wb from their own
# directory (lib/phonestub.c), so this follows BINDIR.
PKGLIBDIR = $(BINDIR)/../lib/wb
MANDIR  ?= $(PREFIX)/share/man
BASHDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHDIR  ?= $(PREFIX)/share/zsh/vendor-completions
FISHDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wno-unused-parameter
# Flags of the libraries that ship a pkg-config file; libcsv ships none.
# Deferred (=), so that `make deps` runs before pkg-config is installed.
PKG_CONFIG ?= pkg-config
PKGS     = sqlite3 jansson libqrencode libpng
# These are opened on first use (lib/lazy.h): their headers, not their libraries.
LAZY_PKGS = libcurl libmicrohttpd libcrypto
CPPFLAGS += -Ilib -Ibuild -D_GNU_SOURCE -MMD -MP $(shell $(PKG_CONFIG) --cflags $(PKGS) $(LAZY_PKGS))
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS)
LIBS     = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lcsv -lreadline -lm -lpthread

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS    += -fsanitize=address,undefined
# The lazily loaded libraries loaded at start instead (lib/lazy.c's dlopen
# then finds them there): loaded later, their thread-local blocks are
# dynamic ones, and LeakSanitizer's tracer, walking those at exit,
# crashed now and then on one it had noted with a bogus address (an exit
# 1 from a wb-send - that had done all it should, under load).
LIBS       += -Wl,--no-as-needed $(shell $(PKG_CONFIG) --libs $(LAZY_PKGS)) -Wl,--as-needed
endif

# The programs and the library are whatever lives in cmd/ and lib/:
# adding a utility or a module needs no edit here.
PROGS    = $(patsubst cmd/%.c,bin/%,$(wildcard cmd/wb-*.c))
LIB_SRC  = $(wildcard lib/*.c)
LIB_OBJ  = $(patsubst lib/%.c,build/lib/%.o,$(LIB_SRC)) build/schema.o
UNIT     = $(patsubst tests/unit/%.c,build/t/%.t,$(wildcard tests/unit/t-*.c))
FAKE_SRC = $(wildcard tests/fakeapi/*.c)
FAKEAPI  = $(if $(FAKE_SRC),build/fake-cloudapi)
BENCH_C  = $(patsubst bench/%.c,build/bench/%,$(wildcard bench/*.c))
FUZZ     = $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/fuzz-*.c))

# Debian packages: build libraries, then what the tests and the demo run.
DEB_BUILD = gcc make pkg-config libsqlite3-dev libjansson-dev libcsv-dev \
	libcurl4-openssl-dev libmicrohttpd-dev libssl-dev tzdata libqrencode-dev libpng-dev \
	libreadline-dev
DEB_TEST  = perl sqlite3 curl jq openssl bc python3 clang libclang-rt-14-dev groff-base time procps \
	zbar-tools chromium libxml2-utils tmux

# Phone numbers are read by libphonenumber, a C++ library (no .pc file):
# lib/ has one C++ file, its C-callable shim. The programs load it as a
# module, wb-phonelib.so, on the first number they read (lib/phonestub.c);
# the unit tests, benchmarks and fuzz targets link it in (PHONELIB).
# CXX follows CC (clang: clang++) unless it is set; the C++ flags are the
# C ones, warnings and sanitizers included.
ifeq ($(origin CXX),default)
CXX = $(if $(findstring clang,$(CC)),clang++,g++)
endif
ALL_CXXFLAGS = $(patsubst -std=c11,-std=c++17,$(ALL_CFLAGS)) $(CXXFLAGS)
LIB_CXX   = $(wildcard lib/*.cc)
CXX_OBJ   = $(patsubst lib/%.cc,build/lib/%.o,$(LIB_CXX))
PHONELIB  = $(CXX_OBJ) -lphonenumber -lstdc++
DEB_BUILD += g++ libphonenumber-dev
build/lib/%.o: lib/%.cc | build/lib
	$(CXX) $(CPPFLAGS) $(ALL_CXXFLAGS) -fPIC -c -o $@ $<
build/wb-phonelib.so: $(CXX_OBJ)
	$(CXX) $(ALL_CXXFLAGS) $(LDFLAGS) -shared -o $@ $^ -lphonenumber
# The fuzz targets compile lib/ with clang, so the shim with clang++;
# they link with clang, which brings no C++ part of UBSan's runtime, so
# the C++-only vptr check is left out.
FUZZ_CXX = clang++
FUZZ_CXX_OBJ = $(patsubst lib/%.cc,build/fuzz/%.o,$(LIB_CXX))
build/fuzz/%.o: lib/%.cc | build/fuzz
	$(FUZZ_CXX) $(CPPFLAGS) -std=c++17 $(WARN) $(FUZZ_FLAGS) -fno-sanitize=vptr -c -o $@ $<

.PHONY: all deps check test demo bench fuzz install clean
# Objects are kept (not removed as intermediates), so a build is quiet
# after its last step and the next one rebuilds nothing.
.SECONDARY:
all: $(PROGS) build/wb-phonelib.so $(FAKEAPI)

deps:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_TEST)

build/lib/%.o: lib/%.c | build/lib
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fPIC -c -o $@ $<
build/cmd/%.o: cmd/%.c | build/cmd
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# share/schema.sql is the single source of the schema; it is compiled in.
build/schema.c: share/schema.sql tests/embed.sh | build
	sh tests/embed.sh wb_schema_sql < $< > $@.tmp && mv $@.tmp $@
build/schema.o: build/schema.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

build/libwb.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

bin/%: build/cmd/%.o build/libwb.a | bin
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< build/libwb.a $(LIBS)

build/t/%.t: tests/unit/%.c tests/unit/tap.h build/libwb.a $(CXX_OBJ) | build/t
	$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(PHONELIB) build/libwb.a $(LIBS)

build/fake-cloudapi: $(FAKE_SRC) | build
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(FAKE_SRC) $(LIBS) $(shell $(PKG_CONFIG) --libs $(LAZY_PKGS))

build/bench/%: bench/%.c build/libwb.a $(CXX_OBJ) | build/bench
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(PHONELIB) build/libwb.a $(LIBS)

# libFuzzer needs clang; each target links the library built for fuzzing,
# compiled once for them all (with the fuzzer's coverage, not its main;
# the shim linked in, not loaded).
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_OBJ = $(patsubst lib/%.c,build/fuzz/lib/%.o,$(filter-out lib/phonestub.c,$(LIB_SRC))) \
	build/fuzz/lib/schema.o $(FUZZ_CXX_OBJ)
build/fuzz/lib/%.o: lib/%.c | build/fuzz/lib
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(subst fuzzer,fuzzer-no-link,$(FUZZ_FLAGS)) -c -o $@ $<
build/fuzz/lib/schema.o: build/schema.c | build/fuzz/lib
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(subst fuzzer,fuzzer-no-link,$(FUZZ_FLAGS)) -c -o $@ $<
build/fuzz/%: fuzz/%.c $(FUZZ_OBJ) | build/fuzz
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_OBJ) $(LIBS) -lphonenumber -lstdc++
fuzz: all $(FUZZ)
	@sh fuzz/run.sh $(FUZZ)

build build/lib build/cmd build/t build/bench build/fuzz build/fuzz/lib bin:
	mkdir -p $@

# The test files run side by side, a job per core and one more (a test
# spends much of its time waiting for the programs it runs), the slowest
# of the last run first, so that none is left to run alone at the end.
JOBS ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1 )))
# Their databases and files go to memory when the machine has a roomy
# /dev/shm (the run's peak is about 70 MB; a container's may have 64 MB in
# all): every commit of a test's hundreds ends in an fsync, and on a disk
# those waits made the run about 2 s (a tenth) longer. TEST_TMPDIR=/tmp
# keeps them on the disk.
TEST_TMPDIR ?= $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && \
	[ "$$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $$4 }')" -ge 1048576 ] 2>/dev/null && \
	echo /dev/shm || echo "$${TMPDIR:-/tmp}")
test: all $(UNIT) $(BENCH_C) | build
	TMPDIR=$(TEST_TMPDIR) prove -j$(JOBS) --state=slow,save --statefile=build/prove-state -f -e tests/exec.sh \
		$(UNIT) tests/cli/*.t

check: deps
	@$(MAKE) --no-print-directory test

demo: deps
	@$(MAKE) --no-print-directory all
	sh share/examples/demo.sh

bench: all $(BENCH_C)
	@for b in bench/*.sh; do echo "== $$b"; sh $$b || exit 1; done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	install -d $(DESTDIR)$(PKGLIBDIR)
	install -m 644 build/wb-phonelib.so $(DESTDIR)$(PKGLIBDIR)
	install -m 644 share/man/man1/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 share/man/man7/*.7 $(DESTDIR)$(MANDIR)/man7
	install -m 644 completions/bash/* $(DESTDIR)$(BASHDIR)
	install -m 644 completions/zsh/* $(DESTDIR)$(ZSHDIR)
	install -m 644 completions/fish/* $(DESTDIR)$(FISHDIR)

clean:
	rm -rf build bin

-include $(wildcard build/*/*/*.d build/*/*.d build/*.d)
