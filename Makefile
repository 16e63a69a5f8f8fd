# Basalt build. `make` builds build/basalt-server; `make run` installs what is
# missing, builds and runs the server on its embedded defaults; `make test`
# installs, builds and runs every test. `make SANITIZE=1 ...` builds into
# build-asan/ with AddressSanitizer + UBSan on the system allocator.

CC      ?= cc
SANITIZE ?= 0

ifeq ($(SANITIZE),1)
BUILD    := build-asan
OPTFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
ALLOC_LIBS :=
ALLOC_DEFS := -DBASALT_NO_JEMALLOC
else
BUILD    := build
OPTFLAGS := -O2 -g
ALLOC_LIBS := -ljemalloc
ALLOC_DEFS :=
endif

CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           $(OPTFLAGS) $(ALLOC_DEFS) -Isrc -MMD -MP
LDFLAGS += $(OPTFLAGS)
LIBS    := -lrocksdb -levent_core -levent_pthreads -ldw -lelf -ldl -lpthread -lm -lz $(ALLOC_LIBS)

LIB_SRC  := $(wildcard src/util/*.c src/storage/*.c src/memory/*.c src/commands/*.c src/server/*.c)
LIB_SRC  := $(filter-out src/server/main.c,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/src/server/main.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test-deps run test unit integration sanitized-test clean fuzz fuzz-run
.SECONDARY:

all: $(BUILD)/basalt-server $(UNIT_BIN) $(BUILD)/enospc_preload.so

deps:
	@./scripts/install-deps.sh

test-deps:
	@./scripts/install-deps.sh test

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libbasalt.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/basalt-server: $(MAIN_OBJ) $(BUILD)/libbasalt.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libbasalt.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Test-only fault injection (tests/integration/test_storage_errors.py):
# LD_PRELOADed into the server, never linked into it. Not instrumented.
$(BUILD)/enospc_preload.so: tests/fault/enospc_preload.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -fPIC -shared -o $@ $< -ldl

run: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/basalt-server

unit: $(UNIT_BIN)
	@./scripts/run-unit-tests.sh $(UNIT_BIN)

integration: $(BUILD)/basalt-server
	BASALT_SERVER=$(CURDIR)/$(BUILD)/basalt-server /usr/bin/python3 -m pytest tests/integration -q

# The whole suite: unit and integration tests on the normal build, then
# again on the AddressSanitizer/UBSan build (system allocator), where
# LeakSanitizer checks every server exit for leaks.
test: test-deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory SANITIZE=1 sanitized-test

sanitized-test:
	@$(MAKE) --no-print-directory SANITIZE=1 all
	@ASAN_OPTIONS=detect_leaks=1 $(MAKE) --no-print-directory SANITIZE=1 unit
	ASAN_OPTIONS=detect_leaks=1 BASALT_SERVER=$(CURDIR)/build-asan/basalt-server /usr/bin/python3 -m pytest tests/integration -q

# libFuzzer target for the request parser (clang only). `make fuzz-run`
# fuzzes for FUZZ_SECONDS starting from the committed seed corpus; new inputs
# go to build-fuzz/corpus, crashes to build-fuzz/crash-*. It fails on any
# crash, leak, sanitizer report or invariant violation.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -g -O1 \
                -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc
FUZZ_SRC     := tests/fuzz/fuzz_resp_parser.c src/server/resp_parser.c src/util/strutil.c

fuzz: build-fuzz/fuzz_resp_parser

build-fuzz/fuzz_resp_parser: $(FUZZ_SRC) src/server/resp_parser.h src/util/strutil.h src/util/slice.h
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_SRC) -lm

fuzz-run: build-fuzz/fuzz_resp_parser
	@mkdir -p build-fuzz/corpus
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build-fuzz/fuzz_resp_parser \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=2048 -timeout=10 -print_final_stats=1 \
	    -dict=tests/fuzz/resp.dict -artifact_prefix=build-fuzz/ build-fuzz/corpus tests/fuzz/corpus/resp

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_SRC:tests/unit/%.c=$(BUILD)/obj/tests/unit/%.d)
