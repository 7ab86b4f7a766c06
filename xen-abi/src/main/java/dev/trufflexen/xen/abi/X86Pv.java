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
    public static final int FLAT_KERNEL_CS32 = FLAT_RING3_CS32;
    public static final int FLAT_KERNEL_CS = FLAT_KERNEL_CS64;
    public static final int FLAT_KERNEL_DS32 = FLAT_RING3_DS32;
    public static final int FLAT_KERNEL_DS = FLAT_RING3_DS64;
    public static final int FLAT_KERNEL_SS32 = FLAT_RING3_SS32;
    public static final int FLAT_KERNEL_SS = FLAT_RING3_SS64;
    public static final int FLAT_USER_CS32 = FLAT_RING3_CS32;
    public static final int FLAT_USER_CS = FLAT_RING3_CS64;
    public static final int FLAT_USER_DS32 = FLAT_RING3_DS32;
    public static final int FLAT_USER_DS = FLAT_RING3_DS64;
    public static final int FLAT_USER_SS32 = FLAT_RING3_SS32;
    public static final int FLAT_USER_SS = FLAT_RING3_SS64;
    public static final int FLAT_KERNEL_DS64 = FLAT_RING3_DS64;
    public static final int FLAT_KERNEL_SS64 = FLAT_RING3_SS64;
    public static final int FLAT_USER_CS64 = FLAT_RING3_CS64;
    public static final int FLAT_USER_DS64 = FLAT_RING3_DS64;
    public static final int FLAT_USER_SS64 = FLAT_RING3_SS64;

    public static final long HYPERVISOR_VIRT_START = 0xFFFF800000000000L;
    public static final long HYPERVISOR_VIRT_END = 0xFFFF880000000000L;
    public static final long MACH2PHYS_VIRT_START = 0xFFFF800000000000L;
    public static final long MACH2PHYS_VIRT_END = 0xFFFF804000000000L;
    public static final long MACH2PHYS_NR_ENTRIES = (MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >>> 3;
    /** set_segment_base selectors. */
    public static final int SEGBASE_FS = 0;
    public static final int SEGBASE_GS_USER = 1;
    public static final int SEGBASE_GS_KERNEL = 2;
    public static final int SEGBASE_GS_USER_SEL = 3;
    /** iret flag: return as from a syscall. */
    public static final int _VGCF_in_syscall = 8;
    public static final int VGCF_in_syscall = 1 << _VGCF_in_syscall;
    public static final int VGCF_IN_SYSCALL = VGCF_in_syscall;

    /** struct trap_info: one entry of set_trap_table's array. */
    public static final AbiStruct TRAP_INFO_LAYOUT = new AbiStruct("struct trap_info", 16);
    public static final AbiField TRAP_INFO_VECTOR = TRAP_INFO_LAYOUT.in(AbiType.U8, "vector", 0);
    public static final AbiField TRAP_INFO_FLAGS = TRAP_INFO_LAYOUT.in(AbiType.U8, "flags", 1);
    public static final AbiField TRAP_INFO_CS = TRAP_INFO_LAYOUT.in(AbiType.U16, "cs", 2);
    public static final AbiField TRAP_INFO_ADDRESS = TRAP_INFO_LAYOUT.in(AbiType.ULONG, "address", 8);

    /** struct iret_context: the frame the iret hypercall pops (lowest address first). */
    public static final AbiStruct IRET_CONTEXT_LAYOUT = new AbiStruct("struct iret_context", 72);
    public static final AbiField IRET_RAX = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "rax", 0);
    public static final AbiField IRET_R11 = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "r11", 8);
    public static final AbiField IRET_RCX = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "rcx", 16);
    public static final AbiField IRET_FLAGS = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "flags", 24);
    public static final AbiField IRET_RIP = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "rip", 32);
    public static final AbiField IRET_CS = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "cs", 40);
    public static final AbiField IRET_RFLAGS = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "rflags", 48);
    public static final AbiField IRET_RSP = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "rsp", 56);
    public static final AbiField IRET_SS = IRET_CONTEXT_LAYOUT.in(AbiType.U64, "ss", 64);

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
