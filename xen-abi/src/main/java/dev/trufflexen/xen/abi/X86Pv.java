package dev.trufflexen.xen.abi;

/**
 * x86-64 PV constants ({@code arch-x86/xen-x86_64.h}, {@code arch-x86/xen.h}): flat segment
 * selectors, the hypervisor's virtual range, and the page-table entry bits guests use.
 */
public final class X86Pv {
    public static final int FLAT_RING3_CS32 = 0xe023;
    public static final int FLAT_RING3_CS64 = 0xe033;
    public static final int FLAT_RING3_DS32 = 0xe02b;
    public static final int FLAT_RING3_DS64 = 0x0000;
    public static final int FLAT_RING3_SS32 = 0xe02b;
    public static final int FLAT_RING3_SS64 = 0xe02b;
    public static final int FLAT_KERNEL_CS64 = FLAT_RING3_CS64;
    public static final int FLAT_KERNEL_DS64 = FLAT_RING3_DS64;
    public static final int FLAT_KERNEL_SS64 = FLAT_RING3_SS64;
    public static final int FLAT_USER_CS64 = FLAT_RING3_CS64;
    public static final int FLAT_USER_DS64 = FLAT_RING3_DS64;
    public static final int FLAT_USER_SS64 = FLAT_RING3_SS64;

    public static final long HYPERVISOR_VIRT_START = 0xFFFF800000000000L;
    public static final long HYPERVISOR_VIRT_END = 0xFFFF880000000000L;
    public static final long MACH2PHYS_VIRT_START = 0xFFFF800000000000L;
    public static final long MACH2PHYS_VIRT_END = 0xFFFF804000000000L;
    /** L4 slots 256..271 belong to Xen in every 64-bit PV address space. */
    public static final int XEN_FIRST_L4_SLOT = 256;
    public static final int XEN_LAST_L4_SLOT = 271;

    /** Initial RFLAGS of a PV vCPU: interrupts (virtually) enabled. */
    public static final long X86_EFLAGS_IF = 1L << 9;

    public static final long _PAGE_PRESENT = 0x001;
    public static final long _PAGE_RW = 0x002;
    public static final long _PAGE_USER = 0x004;
    public static final long _PAGE_PWT = 0x008;
    public static final long _PAGE_PCD = 0x010;
    public static final long _PAGE_ACCESSED = 0x020;
    public static final long _PAGE_DIRTY = 0x040;
    public static final long _PAGE_PSE = 0x080;
    public static final long _PAGE_GLOBAL = 0x100;
    public static final long _PAGE_NX = 1L << 63;
    public static final long PADDR_MASK = 0x000F_FFFF_FFFF_F000L;

    private X86Pv() {
    }
}
