package dev.trufflexen.x86.cpu;

/**
 * A guest-visible exception: vector, optional error code and, for #PF, the faulting linear
 * address. Immutable and small, so the CPU can build one on a slow path and hand it to
 * {@link X86Platform#fault}.
 */
public record X86Fault(int vector, boolean hasErrorCode, long errorCode, long faultAddress, boolean isSoftwareInterrupt) {
    public static final int DE = 0;
    public static final int DB = 1;
    public static final int BP = 3;
    public static final int OF = 4;
    public static final int BR = 5;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int DF = 8;
    public static final int TS = 10;
    public static final int NP = 11;
    public static final int SS = 12;
    public static final int GP = 13;
    public static final int PF = 14;
    public static final int MF = 16;
    public static final int AC = 17;
    public static final int XM = 19;

    /** #PF error-code bits. */
    public static final int PF_PRESENT = 1;
    public static final int PF_WRITE = 2;
    public static final int PF_USER = 4;
    public static final int PF_RESERVED = 8;
    public static final int PF_FETCH = 16;

    public static X86Fault of(int vector) {
        return new X86Fault(vector, false, 0, 0, false);
    }

    public static X86Fault withErrorCode(int vector, long errorCode) {
        return new X86Fault(vector, true, errorCode, 0, false);
    }

    public static X86Fault pageFault(long linearAddress, int errorCode) {
        return new X86Fault(PF, true, errorCode, linearAddress, false);
    }

    /**
     * A #DB the CPU raised for a breakpoint or single step: {@code status} holds the DR6 bits
     * that describe it in positive polarity ({@link X86Breakpoints#DR6_B0} &lt;&lt; n,
     * {@link X86Breakpoints#DR6_BS}), carried in {@link #faultAddress()} as a #PF carries CR2.
     * An instruction breakpoint is a fault (RIP at the instruction), the others are traps (RIP
     * after it).
     */
    public static X86Fault debug(long status) {
        return new X86Fault(DB, false, 0, status, false);
    }

    public static X86Fault softwareInterrupt(int vector) {
        return new X86Fault(vector, false, 0, 0, true);
    }

    /** The exception mnemonic, e.g. "#PF", or "int 0x80" for a software interrupt. */
    public String mnemonic() {
        if (isSoftwareInterrupt) {
            return "int 0x" + Integer.toHexString(vector);
        }
        return switch (vector) {
            case DE -> "#DE";
            case DB -> "#DB";
            case BP -> "#BP";
            case OF -> "#OF";
            case BR -> "#BR";
            case UD -> "#UD";
            case NM -> "#NM";
            case DF -> "#DF";
            case TS -> "#TS";
            case NP -> "#NP";
            case SS -> "#SS";
            case GP -> "#GP";
            case PF -> "#PF";
            case MF -> "#MF";
            case AC -> "#AC";
            case XM -> "#XM";
            default -> "vector " + vector;
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(mnemonic());
        if (hasErrorCode) {
            sb.append(" error 0x").append(Long.toHexString(errorCode));
        }
        if (vector == PF && !isSoftwareInterrupt) {
            sb.append(" at 0x").append(Long.toHexString(faultAddress));
        }
        return sb.toString();
    }
}
