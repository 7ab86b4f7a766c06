# TruffleXen guest SDK: build rules for one guest kernel.
#
# A guest Makefile sets GUEST (the image name) and SRCS (its C and .S
# files), then includes this file:
#
#     GUEST := hello
#     SRCS  := hello.c
#     include ../sdk/sdk.mk
#
# Output goes to $(BUILD_ROOT)/$(GUEST)/ (default guest-images/build/):
#   $(GUEST).elf        the kernel image
#   $(GUEST).mnemonics  the distinct instruction mnemonics it contains
# By default the link step fails if any SSE/AVX/MMX/x87 register appears in the code.
#
# Floating point is opt-in, per guest: set SDK_FPU := yes before the include
#
#     GUEST   := fpu
#     SRCS    := fpu.c
#     SDK_FPU := yes
#     include ../sdk/sdk.mk
#
# and the guest (SDK library included) is built for the x86-64 baseline,
# -march=x86-64: float and double in SSE2 registers (XMM0-15), long double on
# the x87 stack, nothing newer (no SSE3/SSSE3/SSE4, no AVX, no MMX). The boot
# stub then starts kernel_main with the x87 unit and MXCSR in their reset
# state (fninit; ldmxcsr 0x1f80: round to nearest, all exceptions masked), as
# Mini-OS does. The link check still fails on ymm/zmm/mm/mask registers, on
# VEX/EVEX-encoded (AVX) instructions, on SSE3-and-later mnemonics and on
# xsave/xrstor. Xen sets CR4.OSFXSR and CR4.OSXMMEXCPT for PV guests, so SSE
# works from the first instruction. There is no libm and no errno:
# -fno-math-errno lets __builtin_sqrt/sqrtf/sqrtl compile to sqrtsd, sqrtss
# and fsqrt; anything else from <math.h> the guest must write itself.

SDK_DIR    := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
BUILD_ROOT ?= $(abspath $(SDK_DIR)/../build)
OUT        := $(BUILD_ROOT)/$(GUEST)

CC      ?= gcc
LD      := ld

ifeq ($(SDK_FPU),yes)
SDK_ISA_CFLAGS := -march=x86-64 -mtune=generic -mfpmath=sse -mno-mmx -mno-sse3 -mno-avx -fno-math-errno
SDK_ISA_ASFLAGS := -DSDK_FPU
SDK_SIMD_CHECK := --fpu
else ifeq ($(SDK_FPU),)
SDK_ISA_CFLAGS := -mno-sse -mno-sse2 -mno-mmx -mgeneral-regs-only
SDK_ISA_ASFLAGS :=
SDK_SIMD_CHECK :=
else
$(error SDK_FPU must be "yes" or unset, not "$(SDK_FPU)")
endif

SDK_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra \
	-ffreestanding -nostdlib -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone $(SDK_ISA_CFLAGS) \
	-mcmodel=kernel -fno-pic -fno-pie -fno-stack-protector -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-tree-loop-distribute-patterns -fno-common \
	-I$(SDK_DIR)/include
SDK_ASFLAGS := -D__ASSEMBLY__ $(SDK_ISA_ASFLAGS) -I$(SDK_DIR)/include
include $(SDK_DIR)/link.mk
SDK_LDFLAGS := $(SDK_LINK_FLAGS) -T $(SDK_DIR)/guest.ld

CFLAGS  += $(SDK_CFLAGS)
ASFLAGS += $(SDK_ASFLAGS)
ifdef GUEST_VERSION
ASFLAGS += -DSDK_GUEST_VERSION='"$(GUEST_VERSION)"'
endif

SDK_SRCS := boot.S runtime.c console.c printf.c string.c ktest.c events.c event_entry.S usermode.S
# Optional SDK parts a guest asks for before the include, e.g. SDK_LIBS := xenstore.c
SDK_SRCS += $(SDK_LIBS)
SDK_OBJS := $(patsubst %,$(OUT)/sdk/%.o,$(basename $(SDK_SRCS)))
GUEST_OBJS := $(patsubst %,$(OUT)/%.o,$(basename $(SRCS)))
ELF := $(OUT)/$(GUEST).elf

.PHONY: all clean
all: $(ELF) $(OUT)/$(GUEST).mnemonics

$(OUT)/sdk/%.o: $(SDK_DIR)/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/sdk/%.o: $(SDK_DIR)/lib/%.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ASFLAGS) -MMD -MP -c $< -o $@

$(OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ASFLAGS) -MMD -MP -c $< -o $@

$(ELF): $(SDK_OBJS) $(GUEST_OBJS) $(SDK_DIR)/guest.ld
	$(LD) $(SDK_LDFLAGS) -o $@.tmp $(SDK_OBJS) $(GUEST_OBJS)
	$(SDK_DIR)/tools/check-no-simd.sh $(SDK_SIMD_CHECK) $@.tmp
	mv $@.tmp $@

$(OUT)/$(GUEST).mnemonics: $(ELF) $(SDK_DIR)/tools/list-mnemonics.sh
	$(SDK_DIR)/tools/list-mnemonics.sh $< > $@

clean:
	rm -rf $(OUT)

-include $(SDK_OBJS:.o=.d) $(GUEST_OBJS:.o=.d)
