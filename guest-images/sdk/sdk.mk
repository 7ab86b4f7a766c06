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
# The link step fails if any SSE/AVX/MMX/x87 register appears in the code.

SDK_DIR    := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
BUILD_ROOT ?= $(abspath $(SDK_DIR)/../build)
OUT        := $(BUILD_ROOT)/$(GUEST)

CC      ?= gcc
LD      := ld

SDK_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra \
	-ffreestanding -nostdlib -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mgeneral-regs-only \
	-mcmodel=kernel -fno-pic -fno-pie -fno-stack-protector -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-tree-loop-distribute-patterns -fno-common \
	-I$(SDK_DIR)/include
SDK_ASFLAGS := -D__ASSEMBLY__ -I$(SDK_DIR)/include
SDK_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-dynamic-linker -T $(SDK_DIR)/guest.ld

CFLAGS  += $(SDK_CFLAGS)
ASFLAGS += $(SDK_ASFLAGS)
ifdef GUEST_VERSION
ASFLAGS += -DSDK_GUEST_VERSION='"$(GUEST_VERSION)"'
endif

SDK_SRCS := boot.S runtime.c console.c printf.c string.c
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
	$(SDK_DIR)/tools/check-no-simd.sh $@.tmp
	mv $@.tmp $@

$(OUT)/$(GUEST).mnemonics: $(ELF) $(SDK_DIR)/tools/list-mnemonics.sh
	$(SDK_DIR)/tools/list-mnemonics.sh $< > $@

clean:
	rm -rf $(OUT)

-include $(SDK_OBJS:.o=.d) $(GUEST_OBJS:.o=.d)
