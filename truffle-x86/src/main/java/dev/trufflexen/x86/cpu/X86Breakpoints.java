package dev.trufflexen.x86.cpu;

/**
 * The debug-register breakpoints the CPU watches: DR0-DR3 and the enable, R/W and LEN fields of
 * DR7, as the platform loads them ({@link X86Cpu#setBreakpoints}).
 *
 * <ul>
 * <li>R/W 00: an instruction breakpoint, a fault before the instruction at that address runs,
 * unless RFLAGS.RF is set (LEN is ignored, as the SDM allows for LEN other than 00).
 * <li>R/W 01: a data breakpoint on writes; R/W 11 on reads and writes. A trap after the
 * instruction whose access overlaps the LEN-byte range (1, 2, 8 or 4 bytes for LEN 00, 01, 10,
 * 11), aligned down to LEN. A debugger's copy may make an R/W 11 breakpoint ignore writes
 * ({@link #catchReadsOnly}).
 * <li>R/W 10 (I/O) is the platform's: only its emulated IN/OUT can hit one.
 * </ul>
 * A breakpoint counts when its L or G enable bit is set. {@link #armed()} is false while none
 * does: the CPU then never looks at this object on its fast paths.
 */
public final class X86Breakpoints {
    /** DR6 B0: breakpoint 0 hit (B1-B3 follow). */
    public static final int DR6_B0 = 1;
    /** DR6 BS: single step. */
    public static final int DR6_BS = 0x4000;
    private static final int EXECUTE = 0;
    private static final int WRITE = 1;
    private static final int IO = 2;

    private final long[] start = new long[4];
    private final long[] width = new long[4];
    private final int[] type = new int[4];
    private int enabled;
    private int dataEnabled;
    private int readsOnly;

    /** Loads DR0-DR3 and DR7 (only the breakpoints' fields count). */
    void load(long dr0, long dr1, long dr2, long dr3, int dr7) {
        long[] address = {dr0, dr1, dr2, dr3};
        enabled = 0;
        dataEnabled = 0;
        readsOnly = 0;
        for (int i = 0; i < 4; i++) {
            type[i] = dr7 >>> (16 + 4 * i) & 3;
            int len = dr7 >>> (18 + 4 * i) & 3;
            width[i] = switch (len) {
                case 0 -> 1;
                case 1 -> 2;
                case 2 -> 8;
                default -> 4;
            };
            start[i] = type[i] == EXECUTE ? address[i] : address[i] & ~(width[i] - 1);
            if ((dr7 >>> (2 * i) & 3) != 0 && type[i] != IO) {
                enabled |= 1 << i;
                if (type[i] != EXECUTE) {
                    dataEnabled |= 1 << i;
                }
            }
        }
    }

    /**
     * Makes the read-or-write breakpoints among {@code slots} (a bit per breakpoint) ignore
     * writes: not something DR7 can say, but a debugger's read watchpoint, emulated (call after
     * {@link #load}).
     */
    void catchReadsOnly(int slots) {
        readsOnly = slots & 0xF;
    }

    /** True while any instruction or data breakpoint is enabled. */
    public boolean armed() {
        return enabled != 0;
    }

    /** True while any data breakpoint is enabled. */
    public boolean watchesData() {
        return dataEnabled != 0;
    }

    /** The DR6 B bits of the enabled instruction breakpoints at {@code rip}. */
    public int instructionHits(long rip) {
        int hits = 0;
        for (int i = 0; i < 4; i++) {
            if ((enabled & 1 << i) != 0 && type[i] == EXECUTE && start[i] == rip) {
                hits |= DR6_B0 << i;
            }
        }
        return hits;
    }

    /**
     * True when an enabled data breakpoint covers a byte of the 4 KiB page at {@code page} (a
     * range is aligned to its length of at most 8 bytes, so it lies in one page).
     */
    public boolean touchesPage(long page) {
        for (int i = 0; i < 4; i++) {
            if ((dataEnabled & 1 << i) != 0 && (start[i] & ~0xFFFL) == page) {
                return true;
            }
        }
        return false;
    }

    /** The DR6 B bits of the enabled data breakpoints an access of {@code size} bytes at {@code address} hits. */
    public int dataHits(long address, int size, boolean write) {
        int hits = 0;
        for (int i = 0; i < 4; i++) {
            if ((dataEnabled & 1 << i) != 0 && (write ? (readsOnly & 1 << i) == 0 : type[i] != WRITE)
                    && Long.compareUnsigned(address, start[i] + width[i] - 1) <= 0
                    && Long.compareUnsigned(address + size - 1, start[i]) >= 0) {
                hits |= DR6_B0 << i;
            }
        }
        return hits;
    }
}
