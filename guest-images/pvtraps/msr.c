/*
 * RDMSR/WRMSR of the segment-base MSRs (emulated at #GP(0) as Xen's
 * emul-priv-op.c does) and set_segment_base.
 */
#include "pvtraps.h"

static unsigned long fs_target[2] = { 0x1234567890abcdefUL, 0 };
static unsigned long gs_target[2] = { 0, 0xfedcba0987654321UL };

static unsigned long read_fs0(void)
{
    unsigned long v;

    __asm__ __volatile__("mov %%fs:0, %0" : "=r"(v));
    return v;
}

static unsigned long read_gs8(void)
{
    unsigned long v;

    __asm__ __volatile__("mov %%gs:8, %0" : "=r"(v));
    return v;
}

static unsigned int gs_selector(void)
{
    unsigned int sel;

    __asm__ __volatile__("mov %%gs, %0" : "=r"(sel));
    return sel & 0xffff;
}

static long set_segment_base(unsigned int which, unsigned long base)
{
    return _hypercall2(long, set_segment_base, which, base);
}

void msr_tests(void)
{
    const struct trap_record *r = &trap_log[0];

    kt_group("msr");
    trap_count = 0;
    wrmsr(MSR_FS_BASE, (unsigned long)fs_target);
    kt_eq(trap_count, 0, "wrmsr FS_BASE is emulated", "write_msr: MSR_FS_BASE");
    kt_eq(rdmsr(MSR_FS_BASE), (unsigned long)fs_target, "rdmsr FS_BASE reads it back", "read_msr: read_fs_base()");
    kt_eq(read_fs0(), fs_target[0], "%fs:0 uses the new base", "write_fs_base");
    wrmsr(MSR_GS_BASE, (unsigned long)gs_target);
    kt_eq(rdmsr(MSR_GS_BASE), (unsigned long)gs_target, "rdmsr GS_BASE reads the kernel base", "read_gs_base()");
    kt_eq(read_gs8(), gs_target[1], "%gs:8 uses the new base", "write_gs_base");
    wrmsr(MSR_SHADOW_GS_BASE, 0x00007f0000001000UL);
    kt_eq(rdmsr(MSR_SHADOW_GS_BASE), 0x00007f0000001000UL, "SHADOW_GS_BASE is the user GS base", "gs_base_user");
    kt_eq(rdmsr(MSR_GS_BASE), (unsigned long)gs_target, "writing SHADOW_GS_BASE leaves GS_BASE", "write_gs_shadow");
    wrmsr(MSR_GS_BASE, HYPERVISOR_VA);
    kt_eq(rdmsr(MSR_GS_BASE), HYPERVISOR_VA, "a canonical base in the hypervisor range is accepted",
          "only is_canonical_address is checked");
    wrmsr(MSR_GS_BASE, (unsigned long)gs_target);
    TRIGGER("mov $0xc0000100, %%ecx\n\txor %%eax, %%eax\n\tmov $0x8000, %%edx", "wrmsr", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "wrmsr FS_BASE non-canonical: #GP(0)");
    kt_eq(rdmsr(MSR_FS_BASE), (unsigned long)fs_target, "the refused write leaves FS_BASE", "no write on #GP");
    TRIGGER("mov $0xc0000102, %%ecx\n\txor %%eax, %%eax\n\tmov $0xffff0000, %%edx", "wrmsr", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "wrmsr SHADOW_GS_BASE non-canonical: #GP(0)");
    TRIGGER("mov $0xc0000101, %%ecx\n\tmov $0x1000, %%eax\n\tmov $0x00010000, %%edx", "wrmsr", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "wrmsr GS_BASE with bit 48 set: #GP(0)");
}

void segment_base_tests(void)
{
    kt_group("set_segment_base");
    kt_eq(set_segment_base(SEGBASE_FS, (unsigned long)&fs_target[1]), 0, "SEGBASE_FS", "do_set_segment_base");
    kt_eq(rdmsr(MSR_FS_BASE), (unsigned long)&fs_target[1], "SEGBASE_FS sets the FS base", "write_fs_base");
    kt_eq(set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&gs_target[1]), 0, "SEGBASE_GS_KERNEL", "write_gs_base");
    kt_eq(rdmsr(MSR_GS_BASE), (unsigned long)&gs_target[1], "SEGBASE_GS_KERNEL sets the active GS base", "write_gs_base");
    kt_eq(set_segment_base(SEGBASE_GS_USER, 0x1000UL), 0, "SEGBASE_GS_USER", "gs_base_user");
    kt_eq(rdmsr(MSR_SHADOW_GS_BASE), 0x1000UL, "SEGBASE_GS_USER sets the user GS base", "write_gs_shadow");
    kt_eq(set_segment_base(SEGBASE_FS, NON_CANONICAL_VA), -XEN_EINVAL, "non-canonical FS base",
          "!is_canonical_address: -EINVAL");
    kt_eq(set_segment_base(SEGBASE_GS_USER, 0x0001000000000000UL), -XEN_EINVAL, "non-canonical user GS base", "-EINVAL");
    kt_eq(set_segment_base(4, 0), -XEN_EINVAL, "unknown segment 4", "default: -EINVAL");
    kt_eq(set_segment_base(0xffffffffU, 0), -XEN_EINVAL, "unknown segment 0xffffffff", "default: -EINVAL");
    kt_eq(raw_hypercall2(__HYPERVISOR_set_segment_base, 1UL << 32 | SEGBASE_FS, (unsigned long)fs_target), 0,
          "which is an unsigned int (upper bits ignored)", "unsigned int which");
    kt_eq(set_segment_base(SEGBASE_GS_USER_SEL, 0xe02b), 0, "SEGBASE_GS_USER_SEL 0xe02b", "do_set_segment_base");
    kt_eq(gs_selector(), 0xe02b, "GS holds the flat user data selector", "mov %[sel], %%gs");
    kt_eq(rdmsr(MSR_SHADOW_GS_BASE), 0, "the user GS base comes from the flat descriptor (0)", "gs_base_user = read_gs_base()");
    kt_eq(rdmsr(MSR_GS_BASE), (unsigned long)&gs_target[1], "the kernel GS base is untouched", "swapgs around the load");
    set_segment_base(SEGBASE_GS_USER_SEL, 0xe028);
    kt_eq(gs_selector(), 0xe02b, "RPL 0 is raised to 3", "sel |= 3");
    set_segment_base(SEGBASE_GS_USER_SEL, 0xe008);
    kt_eq(gs_selector(), 0, "a Xen-private selector loads null instead", "fixup: NUL the selector");
    set_segment_base(SEGBASE_GS_USER_SEL, 0x28);
    kt_eq(gs_selector(), 0, "a selector of an empty GDT slot loads null", "fixup: NUL the selector");
}
