/*
 * sharedcode: one kernel that several domains run at once on one host, where
 * the hypervisor runs them all on the same compiled code. Every domain calls
 * the same function in the same loop and stores into a word every 4096
 * calls; with "rewrite=1" that word is the function's own immediate operand
 * (its code), otherwise a data word. Every value the function returns is
 * checked: a writer must see each value it wrote from the next call on, any
 * other domain the original value throughout, however the writers' code
 * changes meanwhile.
 *
 *   rewrite=1   store into the code (default: into data)
 *   calls=N     how many calls (default 0x40000)
 *
 * Results are ktest lines on the hypervisor console.
 */
#include <sdk/kernel.h>
#include <sdk/ktest.h>

#define ORIGINAL 0x5eedu
#define WRITE_EVERY 4096u

/* mov $ORIGINAL, %eax; ret -- patchable_imm is the mov's immediate. */
uint32_t patchable_value(void);
extern volatile uint32_t patchable_imm;
__asm__(".pushsection .text\n"
        ".globl patchable_value\n"
        "patchable_value:\n"
        "    .byte 0xb8\n"
        ".globl patchable_imm\n"
        "patchable_imm:\n"
        "    .long 0x5eed\n"
        "    ret\n"
        ".popsection\n");

static volatile uint32_t data_word;

struct outcome {
    unsigned long wrong;
    uint32_t last_written;
};

/* The loop every domain runs: the same code, storing into *target. */
static struct outcome run(volatile uint32_t *target, int rewrites, unsigned long calls)
{
    struct outcome out = { 0, 0 };
    uint32_t expect = ORIGINAL;
    for (unsigned long i = 0; i < calls; i++) {
        if (i % WRITE_EVERY == WRITE_EVERY / 2) {
            uint32_t next = ORIGINAL + 1 + (uint32_t)(i / WRITE_EVERY);
            *target = next;
            out.last_written = next;
            if (rewrites) {
                expect = next;
            }
        }
        out.wrong += patchable_value() != expect;
    }
    return out;
}

void kernel_main(start_info_t *si)
{
    (void)si;
    int rewrites = sdk_cmdline_ulong((const char *)sdk_start_info->cmd_line, "rewrite", 0) != 0;
    unsigned long calls = sdk_cmdline_ulong((const char *)sdk_start_info->cmd_line, "calls", 0x40000);
    kt_group(rewrites ? "sharedcode writer" : "sharedcode reader");
    kt_eq(patchable_value(), ORIGINAL, "the function starts with its original value", "");
    struct outcome out = run(rewrites ? &patchable_imm : &data_word, rewrites, calls);
    kt_eq(out.wrong, 0, rewrites ? "every call after a store into the code returned what was stored"
                                  : "every call returned the original value",
          "SDM 8.1.3: a store into code is seen by the next instruction fetch of that code");
    kt_eq(patchable_value(), rewrites ? out.last_written : ORIGINAL, "the last call returns the code's value now", "");
    kt_eq(data_word, rewrites ? 0 : out.last_written, "the data word holds what was stored there", "");
    kt_summary();
}
