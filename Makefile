# Build the hypervisor (build/hv.elf, build/hv.iso), its guests, and run
# its tests.  `make help` lists the targets.

NAME    := hv
VERSION := 0.1.0

CC      ?= gcc
LD      := ld
OBJCOPY := objcopy
BUILD   := build

SCENARIO ?= iso/scenarios/default

KERNEL_DIRS := boot arch/x86_64 drivers lib pmm ept vmm
# every .c and .S under those folders, subfolders included (vmm/vcpu/ ...)
KSRC_C := $(sort $(shell find $(KERNEL_DIRS) -name '*.c'))
KSRC_S := $(sort $(shell find $(KERNEL_DIRS) -name '*.S'))
KOBJ   := $(patsubst %,$(BUILD)/k/%.o,$(KSRC_C) $(KSRC_S))

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic \
	-fno-pie -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx \
	-mcmodel=kernel -fno-omit-frame-pointer -fno-builtin \
	-fno-asynchronous-unwind-tables -fno-common \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-I. -Iinclude -DHV_NAME='"$(NAME)"' -DHV_VERSION='"$(VERSION)"' -MMD -MP
KASFLAGS := -I. -Iinclude -MMD -MP -D__ASSEMBLY__

.PHONY: all iso run debug test unit-test boot-test coverage bench clean help deps guests \
	fuzz fuzz-build

all: $(BUILD)/hv.elf

help:
	@echo "make            build build/hv.elf"
	@echo "make iso        build build/hv.iso for SCENARIO (default $(SCENARIO))"
	@echo "make run        build and boot the ISO (QEMU/KVM with VMX, else Bochs)"
	@echo "make debug      boot in QEMU waiting for gdb on :1234"
	@echo "make test       run every test; ends with 'N passed, N failed'"
	@echo "make unit-test  only the host unit tests"
	@echo "make fuzz       every libFuzzer harness for FUZZ_SECONDS (default $(FUZZ_SECONDS)) each,"
	@echo "                FUZZ_JOBS (default $(FUZZ_JOBS)) at a time"
	@echo "make coverage   line coverage of the host-tested modules"
	@echo "make bench      benchmark figures"

$(BUILD)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/hv.elf: $(KOBJ) linker.ld
	$(LD) -n -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld -o $@ $(KOBJ)

-include $(KOBJ:.o=.d)

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
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-I. -Iinclude -Itests/unit -DHOST_TEST
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(UNIT_SRC))
units_of    = $(shell sed -n 's|^/\* units: \(.*\) \*/|\1|p' $(1))

define unit_rule
$(BUILD)/host/$(basename $(notdir $(1))): $(1) $(call units_of,$(1)) tests/unit/host_log.c tests/unit/check.h
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

coverage:
	rm -rf $(BUILD)/cov && mkdir -p $(BUILD)/cov
	$(MAKE) --no-print-directory BUILD=$(BUILD)/cov EXTRA_HOST_CFLAGS="--coverage" $(patsubst $(BUILD)/%,$(BUILD)/cov/%,$(UNIT_BINS))
	@for t in $(BUILD)/cov/host/test_*; do $$t > /dev/null || exit 1; done
	@tools/coverage.sh $(BUILD)/cov

bench:
	@tools/need-packages.sh test
	@tests/bench/run.sh

clean:
	rm -rf $(BUILD)
