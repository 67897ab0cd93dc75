# Guests of our own, run under VMX by the boot tests (included by the
# top-level Makefile, which defines BUILD, CC and PREFIX_MAP).  Each guest is a
# Multiboot v1 ELF32 kernel linked at 1 MiB: guests/<name>/*.{c,S} plus
# the shared runtime in guests/lib/.  All variables here start with
# GUEST_ so they cannot clash with the hypervisor's.

GUEST_NAMES  := hello exerciser memtouch hostile
GUEST_NAMES  += bench smp2 netping
GUEST_OUT    := $(BUILD)/guests
GUEST_OBJDIR := $(GUEST_OUT)/obj
GUEST_LDS    := guests/guest.ld

GUEST_CFLAGS := -m32 -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-nostdlib -fno-stack-protector -fno-builtin \
	-fno-tree-loop-distribute-patterns -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fno-common $(PREFIX_MAP) \
	-Wall -Wextra -Werror \
	-Iinclude -Iguests/lib -MMD -MP
GUEST_ASFLAGS := -m32 -D__ASSEMBLY__ -Iinclude -Iguests/lib -MMD -MP
GUEST_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-T,$(GUEST_LDS) \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none

GUEST_srcs_in = $(sort $(wildcard guests/$(1)/*.c guests/$(1)/*.S))
GUEST_objs_of = $(patsubst guests/%,$(GUEST_OBJDIR)/%.o,$(1))

GUEST_LIB_OBJ := $(call GUEST_objs_of,$(call GUEST_srcs_in,lib))
GUEST_ELFS    := $(patsubst %,$(GUEST_OUT)/%.elf,$(GUEST_NAMES))
GUEST_ALL_OBJ := $(GUEST_LIB_OBJ)

.PHONY: guests guests-check
guests: $(GUEST_ELFS)

# Verify each ELF is a Multiboot v1 ELF32 (header in the first 8 KiB).
guests-check: $(GUEST_ELFS)
	guests/check-elf.sh $(GUEST_ELFS)

define GUEST_link_rule
GUEST_$(1)_OBJ := $$(call GUEST_objs_of,$$(call GUEST_srcs_in,$(1)))
GUEST_ALL_OBJ += $$(GUEST_$(1)_OBJ)
$(GUEST_OUT)/$(1).elf: $$(GUEST_$(1)_OBJ) $$(GUEST_LIB_OBJ) $$(GUEST_LDS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(GUEST_LDFLAGS) -o $$@ $$(GUEST_$(1)_OBJ) $$(GUEST_LIB_OBJ)
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call GUEST_link_rule,$(g))))

$(GUEST_OBJDIR)/%.c.o: guests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OBJDIR)/%.S.o: guests/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

-include $(GUEST_ALL_OBJ:.o=.d)

# ---- plain x86-64 ELF guests ---------------------------------------------
# Booted by the hypervisor's elf64 loader straight into long mode (no
# Multiboot header, no guests/lib runtime: that one is 32-bit).  Each is
# guests/<name>/*.{c,S} linked with its own guests/<name>/<name>.ld at
# 1 MiB; objects go to a directory of their own so the 32-bit pattern
# rules above never apply to them.
GUEST_ELF64_NAMES  := hello64
GUEST_ELF64_OBJDIR := $(GUEST_OUT)/obj64
GUEST_ELF64_ELFS   := $(patsubst %,$(GUEST_OUT)/%.elf,$(GUEST_ELF64_NAMES))

GUEST_ELF64_CFLAGS := -m64 -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-mcmodel=small -mno-red-zone -nostdlib -fno-stack-protector -fno-builtin \
	-fno-tree-loop-distribute-patterns -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fno-common $(PREFIX_MAP) \
	-Wall -Wextra -Werror -Iinclude -MMD -MP
GUEST_ELF64_ASFLAGS := -m64 -D__ASSEMBLY__ -Iinclude -MMD -MP
GUEST_ELF64_LDFLAGS := -m64 -nostdlib -static -no-pie \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none

GUEST_ELF64_objs_of = $(patsubst guests/%,$(GUEST_ELF64_OBJDIR)/%.o,$(1))

guests: $(GUEST_ELF64_ELFS)

define GUEST_ELF64_link_rule
GUEST_$(1)_OBJ := $$(call GUEST_ELF64_objs_of,$$(call GUEST_srcs_in,$(1)))
GUEST_ELF64_ALL_OBJ += $$(GUEST_$(1)_OBJ)
$(GUEST_OUT)/$(1).elf: $$(GUEST_$(1)_OBJ) guests/$(1)/$(1).ld
	@mkdir -p $$(dir $$@)
	$$(CC) $$(GUEST_ELF64_LDFLAGS) -Wl,-T,guests/$(1)/$(1).ld -o $$@ $$(GUEST_$(1)_OBJ)
endef
$(foreach g,$(GUEST_ELF64_NAMES),$(eval $(call GUEST_ELF64_link_rule,$(g))))

$(GUEST_ELF64_OBJDIR)/%.c.o: guests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ELF64_CFLAGS) -c $< -o $@

$(GUEST_ELF64_OBJDIR)/%.S.o: guests/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ELF64_ASFLAGS) -c $< -o $@

-include $(GUEST_ELF64_ALL_OBJ:.o=.d)
