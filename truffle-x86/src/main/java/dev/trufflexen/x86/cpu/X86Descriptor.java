package dev.trufflexen.x86.cpu;

/**
 * Fields of an 8-byte segment or system descriptor and the checks that LAR, LSL, VERR and VERW
 * make on one (SDM Vol. 2A), for a CPU in 64-bit mode. The descriptor comes from the platform
 * ({@link X86Platform#segmentDescriptor}); everything here is architecture, not policy.
 */
public final class X86Descriptor {
    /** Bits 8-15 of the high dword: type (4 bits), S, DPL, P. */
    public static final long PRESENT = 1L << 47;
    public static final long CODE_OR_DATA = 1L << 44;
    public static final long LONG_MODE = 1L << 53;
    public static final long GRANULARITY = 1L << 55;
    private static final int TYPE_CODE = 8;
    private static final int TYPE_CONFORMING = 4;
    private static final int TYPE_READABLE_OR_WRITABLE = 2;
    /** System types LAR accepts in IA-32e mode: LDT, available and busy 64-bit TSS, 64-bit call gate. */
    private static final int LAR_SYSTEM_TYPES = 1 << 2 | 1 << 9 | 1 << 11 | 1 << 12;
    /** System types LSL accepts: those of LAR less the call gate (gates have no limit). */
    private static final int LSL_SYSTEM_TYPES = 1 << 2 | 1 << 9 | 1 << 11;

    public static final int LAR = 0;
    public static final int LSL = 1;
    public static final int VERR = 2;
    public static final int VERW = 3;

    private X86Descriptor() {
    }

    public static int type(long descriptor) {
        return (int) (descriptor >>> 40) & 0xF;
    }

    public static int dpl(long descriptor) {
        return (int) (descriptor >>> 45) & 3;
    }

    public static boolean isPresent(long descriptor) {
        return (descriptor & PRESENT) != 0;
    }

    public static boolean isCodeOrData(long descriptor) {
        return (descriptor & CODE_OR_DATA) != 0;
    }

    public static boolean isCode(long descriptor) {
        return isCodeOrData(descriptor) && (type(descriptor) & TYPE_CODE) != 0;
    }

    public static boolean isConformingCode(long descriptor) {
        return isCode(descriptor) && (type(descriptor) & TYPE_CONFORMING) != 0;
    }

    /** A code segment that may be read, or a data segment (always readable). */
    public static boolean isReadable(long descriptor) {
        return isCodeOrData(descriptor) && (!isCode(descriptor) || (type(descriptor) & TYPE_READABLE_OR_WRITABLE) != 0);
    }

    public static boolean isWritableData(long descriptor) {
        return isCodeOrData(descriptor) && !isCode(descriptor) && (type(descriptor) & TYPE_READABLE_OR_WRITABLE) != 0;
    }

    /** The 32-bit base of a code or data descriptor. */
    public static long base(long descriptor) {
        return (descriptor >>> 16 & 0xFF_FFFFL) | (descriptor >>> 32 & 0xFF00_0000L);
    }

    /** The limit in bytes, scaled by the granularity bit (what LSL loads). */
    public static long limit(long descriptor) {
        long raw = descriptor & 0xFFFF | descriptor >>> 32 & 0xF_0000L;
        return (descriptor & GRANULARITY) != 0 ? raw << 12 | 0xFFF : raw;
    }

    /** What LAR loads: the high dword masked to bits 8-23 (type, S, DPL, P, limit 19:16, AVL, L, D, G; hardware fills the limit bits). */
    public static long accessRights(long descriptor) {
        return descriptor >>> 32 & 0x00FF_FF00L;
    }

    /**
     * Whether {@code query} (LAR, LSL, VERR, VERW) succeeds (sets ZF) for a descriptor read at
     * {@code cpl} through a selector with RPL {@code rpl}. A zero descriptor (beyond the limit,
     * or an empty slot) always fails; the caller handles a null selector before asking.
     */
    public static boolean queryPasses(int query, long descriptor, int cpl, int rpl) {
        boolean privilegeOk = isConformingCode(descriptor) && query != VERW
                || dpl(descriptor) >= cpl && dpl(descriptor) >= rpl;
        if (!privilegeOk) {
            return false;
        }
        if (!isCodeOrData(descriptor)) {
            int accepted = query == LAR ? LAR_SYSTEM_TYPES : query == LSL ? LSL_SYSTEM_TYPES : 0;
            return (accepted & 1 << type(descriptor)) != 0;
        }
        return switch (query) {
            case VERR -> isReadable(descriptor);
            case VERW -> isWritableData(descriptor);
            default -> true;
        };
    }
}
