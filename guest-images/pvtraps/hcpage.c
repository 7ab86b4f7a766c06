/*
 * WRMSR 0x40000000, Xen's hypercall-page MSR (guest_wrmsr_xen): the value is a
 * machine address; Xen writes a fresh hypercall page into that frame when it
 * is page aligned, the domain's own and able to become writable. Anything else
 * is #GP(0).
 */
#include "pvtraps.h"

#define MSR_XEN_HYPERCALL 0x40000000U

extern volatile unsigned long msr_index, msr_value;

static unsigned char new_page[4096] __attribute__((aligned(4096)));

static unsigned long frame_of(const void *va)
{
    return pfn_to_mfn(virt_to_pfn((void *)va)) << 12;
}

static void wrmsr_gp(unsigned long value, const char *what)
{
    msr_index = MSR_XEN_HYPERCALL;
    msr_value = value;
    TRIGGER("mov msr_index(%%rip), %%ecx\n\tmov msr_value(%%rip), %%rax\n\tmov %%rax, %%rdx\n\tshr $32, %%rdx",
            "wrmsr", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, what);
}

static int same_as_boot_page(void)
{
    for (int i = 0; i < 4096; i++) {
        if (new_page[i] != (unsigned char)hypercall_page[i]) {
            return 0;
        }
    }
    return 1;
}

void hypercall_page_msr_tests(void)
{
    kt_group("privops: hypercall-page MSR");
    for (int i = 0; i < 4096; i++) {
        new_page[i] = 0x90;
    }
    unsigned long value = frame_of(new_page);
    __asm__ __volatile__("wrmsr" : : "c"(MSR_XEN_HYPERCALL), "a"((unsigned int)value), "d"((unsigned int)(value >> 32))
                         : "memory");
    kt_eq(same_as_boot_page(), 1, "the written frame holds the hypercall page", "guest_wrmsr_xen: init_hypercall_page");
    long version;
    __asm__ __volatile__("call *%[stub]"
                         : "=a"(version)
                         : [stub] "r"(new_page + __HYPERVISOR_xen_version * 32), "D"((unsigned long)XENVER_version),
                           "S"(0UL)
                         : "rcx", "r11", "rdx", "r8", "r9", "r10", "memory");
    kt_eq(version, HYPERVISOR_xen_version(XENVER_version, NULL), "xen_version through the new page",
          "the stubs make hypercalls");
    for (int i = 0; i < 4096; i++) {
        new_page[i] = 0;
    }
    wrmsr_gp(value | 1, "a page index above 0: #GP(0)");
    kt_eq(new_page[0], 0, "the refused write leaves the frame alone", "X86EMUL_EXCEPTION before the page is mapped");
    wrmsr_gp(frame_of((void *)sdk_start_info->pt_base), "the L4 in use: get_page_type(PGT_writable_page) fails: #GP(0)");
    wrmsr_gp(0xfffffffff000UL, "a frame the domain does not own: get_page_from_gfn fails: #GP(0)");
    wrmsr_gp(0x8000000000000000UL, "an address far beyond memory: #GP(0)");
}
