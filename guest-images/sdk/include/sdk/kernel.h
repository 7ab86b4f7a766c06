/*
 * TruffleXen guest SDK: the one header a guest kernel includes.
 *
 * A guest provides kernel_main(). The SDK's boot stub (sdk/lib/boot.S)
 * switches to its own stack, clears .bss, sets up the console and calls
 * kernel_main(start_info); if kernel_main returns, the domain powers off.
 */
#ifndef TRUFFLEXEN_SDK_KERNEL_H
#define TRUFFLEXEN_SDK_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/event_channel.h>

#include <sdk/layout.h>
#include <sdk/barrier.h>
#include <sdk/hypercall.h>
#include <sdk/console.h>
#include <sdk/printf.h>
#include <sdk/string.h>

/* The guest's entry point. */
void kernel_main(start_info_t *si);

/* start_info as handed over at boot (RSI at entry). */
extern start_info_t *sdk_start_info;

/* Flush the console ring and stop the domain with SHUTDOWN_<reason>. */
__attribute__((noreturn)) void sdk_shutdown(unsigned int reason);
/* Print a message and stop the domain with SHUTDOWN_crash. */
__attribute__((noreturn, format(printf, 1, 2))) void sdk_panic(const char *fmt, ...);

/* Boot-mapping address translation (valid for PFNs inside the boot mapping). */
static inline void *pfn_to_virt(unsigned long pfn)
{
    return (void *)(SDK_VIRT_BASE + (pfn << SDK_PAGE_SHIFT));
}

static inline unsigned long virt_to_pfn(const void *va)
{
    return ((unsigned long)va - SDK_VIRT_BASE) >> SDK_PAGE_SHIFT;
}

/* P2M lookup through start_info.mfn_list. */
static inline unsigned long pfn_to_mfn(unsigned long pfn)
{
    return ((const unsigned long *)sdk_start_info->mfn_list)[pfn];
}

/* M2P lookup through the hypervisor's read-only table at MACH2PHYS_VIRT_START. */
#define machine_to_phys_mapping ((const unsigned long *)MACH2PHYS_VIRT_START)
static inline unsigned long mfn_to_pfn(unsigned long mfn)
{
    return machine_to_phys_mapping[mfn];
}

/* What follows "name" (e.g. "bench=") at the start of a word of the command line, or NULL when no word starts with it. */
const char *sdk_cmdline_option(const char *name);
/* The decimal number at the start of digits (0 when none; digits may be NULL). */
unsigned long sdk_parse_ulong(const char *digits);

/* Sorts n values in place, smallest first (insertion sort: for the few hundred samples a guest measures). */
void sdk_sort_u64(uint64_t *values, unsigned long n);

/* Reverse P2M by search; returns -1UL when mfn is not one of ours. */
unsigned long p2m_find_pfn(unsigned long mfn);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The decimal value of "key=N" in the command line (words separated by spaces), or fallback when absent or 0. */
unsigned long sdk_cmdline_ulong(const char *cmdline, const char *key, unsigned long fallback);

/*
 * Guest user mode: sdk_user_enter irets to user mode at rip with RSP rsp and RDI arg (events
 * unmasked, the user L4 from MMUEXT_NEW_USER_BASEPTR) and returns when kernel code (a syscall
 * callback or trap handler) calls sdk_user_exit(value), which does not return.
 */
unsigned long sdk_user_enter(void *rip, unsigned long rsp, unsigned long arg);
__attribute__((noreturn)) void sdk_user_exit(unsigned long value);

#endif /* TRUFFLEXEN_SDK_KERNEL_H */
