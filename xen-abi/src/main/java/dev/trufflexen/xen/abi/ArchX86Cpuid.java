package dev.trufflexen.xen.abi;

/**
 * Xen's CPUID leaves ({@code arch-x86/cpuid.h}): found at 0x40000000 for a PV domain. Leaf
 * numbers below are offsets from {@link #XEN_CPUID_FIRST_LEAF}; their layout is documented at
 * {@code dev.trufflexen.xen.pv.XenCpuidLeaves}, which builds them.
 */
public final class ArchX86Cpuid {
    public static final int XEN_CPUID_FIRST_LEAF = 0x40000000;
    /** "XenVMMXenVMM" in EBX, ECX, EDX of the first leaf. */
    public static final int XEN_CPUID_SIGNATURE_EBX = 0x566e6558; /* "XenV" */
    public static final int XEN_CPUID_SIGNATURE_ECX = 0x65584d4d; /* "MMXe" */
    public static final int XEN_CPUID_SIGNATURE_EDX = 0x4d4d566e; /* "nVMM" */
    /** Leaf 2 ECX: MMU_PT_UPDATE_PRESERVE_AD is supported. */
    public static final int XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD = 1 << 0;
    /** The highest leaf offset Xen provides (the last is the PV-specific leaf 5). */
    public static final int XEN_CPUID_MAX_NUM_LEAVES = 5;
    /** TSC modes (leaf 3 EBX, {@code xen/include/asm-x86/time.h}). */
    public static final int TSC_MODE_DEFAULT = 0;
    public static final int TSC_MODE_ALWAYS_EMULATE = 1;
    public static final int TSC_MODE_NEVER_EMULATE = 2;
    /** Xen's forced-emulation prefix: {@code ud2; .ascii "xen"} before the emulated instruction. */
    public static final byte[] XEN_EMULATE_PREFIX = {0x0F, 0x0B, 0x78, 0x65, 0x6E};

    private ArchX86Cpuid() {
    }
}
