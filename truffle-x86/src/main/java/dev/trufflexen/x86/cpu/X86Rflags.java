package dev.trufflexen.x86.cpu;

/** RFLAGS bit masks. */
public final class X86Rflags {
    public static final long CF = 1L;
    public static final long RESERVED_ONE = 1L << 1;
    public static final long PF = 1L << 2;
    public static final long AF = 1L << 4;
    public static final long ZF = 1L << 6;
    public static final long SF = 1L << 7;
    public static final long TF = 1L << 8;
    public static final long IF = 1L << 9;
    public static final long DF = 1L << 10;
    public static final long OF = 1L << 11;
    public static final long IOPL = 3L << 12;
    public static final long NT = 1L << 14;
    public static final long RF = 1L << 16;
    public static final long VM = 1L << 17;
    public static final long AC = 1L << 18;
    public static final long VIF = 1L << 19;
    public static final long VIP = 1L << 20;
    public static final long ID = 1L << 21;

    /** The six arithmetic status flags. */
    public static final long STATUS = CF | PF | AF | ZF | SF | OF;
    /** Bits that exist in RFLAGS; everything else reads as zero. */
    public static final long DEFINED = STATUS | TF | IF | DF | IOPL | NT | RF | VM | AC | VIF | VIP | ID;
    /** Bits a CPL-3 {@code popf} may change (IF and IOPL are kept, as on hardware at IOPL 0). */
    public static final long POPF_USER_MASK = STATUS | TF | DF | NT | AC | ID;

    private X86Rflags() {
    }

    /** Normalizes a value to what RFLAGS can hold: undefined bits clear, bit 1 set. */
    public static long normalize(long rflags) {
        return (rflags & DEFINED) | RESERVED_ONE;
    }
}
