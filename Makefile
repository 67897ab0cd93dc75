# Build the hypervisor (build/hv.elf, build/hv.iso), its guests, and run
# its tests.  `make help` lists the targets.

NAME    := hv
VERSION := 0.1.0

# make predefines CC as cc, so `CC ?= gcc` would never apply: set it only
# when it still has make's default, and `make CC=clang` still wins.
ifeq ($(origin CC),default)
CC      := gcc
endif
LD      := ld
OBJCOPY := objcopy
# ?=: the test scripts read BUILD from the environment too
BUILD   ?= build
# Debug info and __FILE__ name files relative to the checkout, wherever it is.
PREFIX_MAP := -ffile-prefix-map=$(CURDIR)=.

SCENARIO ?= iso/scenarios/default

KERNEL_DIRS := boot arch/x86_64 drivers lib pmm ept vmm
# every .c and .S under those folders, subfolders included (vmm/vcpu/ ...)
# (asm-offsets.c is compiled to assembly only, for the generated header)
KSRC_C := $(filter-out arch/x86_64/asm-offsets.c,$(sort $(shell find $(KERNEL_DIRS) -name '*.c')))
KSRC_S := $(sort $(shell find $(KERNEL_DIRS) -name '*.S'))
KOBJ   := $(patsubst %,$(BUILD)/k/%.o,$(KSRC_C) $(KSRC_S))

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic \
	-fno-pie -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx \
	-mcmodel=kernel -fno-omit-frame-pointer -fno-builtin \
	-fno-asynchronous-unwind-tables -fno-common $(PREFIX_MAP) \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-I. -Iinclude -DHV_NAME='"$(NAME)"' -DHV_VERSION='"$(VERSION)"' -MMD -MP
# make PROFILE=1: the exit profile (vmm/vcpu/profile.h), for finding where
# an exit's instructions go; not for normal use.
ifeq ($(PROFILE),1)
KCFLAGS += -DHV_EXIT_PROFILE
endif
KASFLAGS := -I. -Iinclude -I$(BUILD)/include -MMD -MP -D__ASSEMBLY__

# Structure offsets for the assembly, generated from C (see the file).
ASM_OFFSETS := $(BUILD)/include/generated/asm-offsets.h

.PHONY: all iso run debug test unit-test boot-test coverage bench clean help deps guests \
	fuzz fuzz-build

all: $(BUILD)/hv.elf

define HELP
Targets
  all (default)  build $(BUILD)/hv.elf
  iso            build $(BUILD)/hv.iso for SCENARIO
  run            build the ISO and boot it, serial on this terminal:
                 QEMU/KVM if the host has VMX, else Bochs (tools/run.sh)
  debug          boot the ISO in QEMU (TCG), stopped, gdb on :1234
  guests         build the test guests, $(BUILD)/guests/*.elf
  guests-check   check that each Multiboot guest is an ELF32 with its header
  test           build, run the unit tests and boot every case; ends with
                 "N passed, N failed" (tests/run-all.sh)
  unit-test      build and run only the host unit tests
  boot-test      build and boot only the cases (test with BOOT_ONLY=1)
  coverage       line coverage of the unit-tested modules, in $(BUILD)/cov
  fuzz           every libFuzzer harness (tests/fuzz/) for FUZZ_SECONDS each
  bench          boot the benchmark cases in Bochs and print the figures
                 (tests/bench/run.sh; --update-doc writes docs/PERFORMANCE.md)
  deps           install the packages the build needs, if any are missing
  clean          remove $(BUILD)/
  help           this text

Variables (make VAR=value, or in the environment)
  CC=gcc                  compiler for the hypervisor, the guests, the unit tests
  BUILD=build             output folder
  SCENARIO=iso/scenarios/default   what iso, run and debug boot
  EXTRA_HOST_CFLAGS=      more flags for the unit tests
 run:
  EMU=qemu|bochs          emulator (default: QEMU/KVM if possible, else Bochs)
  CPUS=2  MEM=1024        processors, memory in MiB
  FIRMWARE=bios|uefi      QEMU only
 test, boot-test:
  TESTS='<glob> ...'      boot only the cases whose names match
  UNIT_ONLY=1             no boot cases
  BOOT_ONLY=1             no unit tests
  JOBS=2                  boot cases run at a time (bench too)
  BOCHS_IPS=10000000      Bochs instructions per emulated second
 test, unit-test:
  UNIT_TIMEOUT=120        seconds per unit-test binary
  HV_TEST_BZIMAGE=<file>  test_bzimage also loads this real bzImage
  HV_LOG_ECHO=1           unit tests print the hypervisor log they capture
 fuzz, test:
  FUZZ_SECONDS=5          seconds per fuzz harness (make test: 3)
 coverage:
  MIN_COVERAGE=90         fail below this total, in percent
  COVERAGE_TOOL=gcov      use gcov even when gcovr is installed
endef

help:
	$(info $(HELP))
	@:

$(BUILD)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/asm-offsets.s: arch/x86_64/asm-offsets.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -S $< -o $@

$(ASM_OFFSETS): $(BUILD)/asm-offsets.s
	@mkdir -p $(dir $@)
	{ echo '/* Generated from arch/x86_64/asm-offsets.c: do not edit. */'; \
	  sed -n 's/^->\([A-Za-z0-9_]*\) \([0-9]*\).*/#define \1 \2/p' $<; } > $@.tmp
	mv $@.tmp $@

$(BUILD)/k/%.S.o: %.S $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/hv.elf: $(KOBJ) linker.ld
	$(LD) -n -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld -o $@ $(KOBJ)

-include $(KOBJ:.o=.d) $(BUILD)/asm-offsets.d

# ---- guests -------------------------------------------------------------
-include guests/guests.mk

# ---- ISO -----------------------------------------------------------------
# tests/mkiso.sh lays out the ISO tree from a scenario directory: its
# grub.cfg (or iso/grub.cfg), hv.elf, and every file the scenario lists.
iso: $(BUILD)/hv.iso
$(BUILD)/hv.iso: $(BUILD)/hv.elf guests FORCE | deps
	tests/mkiso.sh $(SCENARIO) $@

FORCE:

deps:
	@tools/need-packages.sh build

run: $(BUILD)/hv.iso
	@tools/need-packages.sh run
	tools/run.sh $(BUILD)/hv.iso

debug: $(BUILD)/hv.iso
	qemu-system-x86_64 -cdrom $(BUILD)/hv.iso -m 512 -serial stdio -display none -s -S

# ---- tests ---------------------------------------------------------------
# A host unit test tests/unit/test_X.c names the modules it links in a
# line of the form   /* units: pmm/buddy.c lib/fmt.c */
HOST_CFLAGS := -std=gnu11 -g -O1 $(PREFIX_MAP) -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-I. -Iinclude -Itests/unit -DHOST_TEST
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(UNIT_SRC))
units_of    = $(shell sed -n 's|^/\* units: \(.*\) \*/|\1|p' $(1))

define unit_rule
$(BUILD)/host/$(basename $(notdir $(1))): $(1) $(call units_of,$(1)) tests/unit/host_log.c $(wildcard tests/unit/*.h)
	@mkdir -p $(BUILD)/host
	$(CC) $(HOST_CFLAGS) $(EXTRA_HOST_CFLAGS) -o $$@ $(1) $(call units_of,$(1)) tests/unit/host_log.c
endef
$(foreach t,$(UNIT_SRC),$(eval $(call unit_rule,$(t))))

unit-test: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

# ---- fuzzing -------------------------------------------------------------
# A harness tests/fuzz/fuzz_X.c names what it links like a unit test; a
# name ending in / stands for every .c file in that folder, so a file
# added there is linked too.  tests/fuzz/run.sh runs each harness over a
# copy of its seeds tests/fuzz/corpus/X/ in $(BUILD)/fuzz/corpus-X/.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 5
FUZZ_JOBS    ?= 2
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I. -Iinclude -Itests/unit -DHOST_TEST
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
fuzz_units    = $(foreach u,$(call units_of,$(1)),$(if $(filter %/,$(u)),$(sort $(wildcard $(u)*.c)),$(u)))
# each source is compiled once, however many harnesses link it
fuzz_objs     = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(1) $(call fuzz_units,$(1)) tests/unit/host_log.c)
FUZZ_OBJS    := $(sort $(foreach t,$(FUZZ_SRC),$(call fuzz_objs,$(t))))

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

define fuzz_rule
$(BUILD)/fuzz/$(basename $(notdir $(1))): $(call fuzz_objs,$(1))
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$^
endef
$(foreach t,$(FUZZ_SRC),$(eval $(call fuzz_rule,$(t))))
-include $(FUZZ_OBJS:.o=.d)

fuzz-build: $(FUZZ_BINS)

fuzz:
	@tools/need-packages.sh fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) BUILD=$(BUILD) tests/fuzz/run.sh $(FUZZ_BINS)

test:
	@tools/need-packages.sh test
	@tests/run-all.sh

boot-test:
	@tools/need-packages.sh test
	@BOOT_ONLY=1 tests/run-all.sh

coverage:
	rm -rf $(BUILD)/cov && mkdir -p $(BUILD)/cov
	$(MAKE) --no-print-directory BUILD=$(BUILD)/cov EXTRA_HOST_CFLAGS="--coverage" $(patsubst $(BUILD)/%,$(BUILD)/cov/%,$(UNIT_BINS))
	@for t in $(patsubst $(BUILD)/%,$(BUILD)/cov/%,$(UNIT_BINS)); do $$t > /dev/null || exit 1; done
	@tools/coverage.sh $(BUILD)/cov

bench:
	@tools/need-packages.sh test
	@tests/bench/run.sh

clean:
	rm -rf $(BUILD)
