package dev.trufflexen.x86.selftest;

/**
 * The fixed guest-virtual layout both sides of the differential tester use: one code page (read
 * and execute only, {@code int3} everywhere but the case's bytes) and one data page (read and
 * write), each with unmapped neighbours. GS base is the data page on both sides; FS base is the
 * host runner's TLS base, which TruffleXen is given too.
 */
public final class SelftestLayout {
    public static final long CODE = 0x1000_0000L;
    public static final long DATA = 0x2000_0000L;
    public static final int PAGE = 4096;
    /** The bytes a case may place (instruction plus anything after it). */
    public static final int MAX_CODE = 64;
    /** CF, PF, AF, ZF, SF, DF, OF: the flags a case sets and the tester compares. */
    public static final long COMPARED_FLAGS = 0xCD5L;

    private SelftestLayout() {
    }

    public static boolean inData(long linear, int length) {
        return linear >= DATA && linear + length <= DATA + PAGE;
    }
}
