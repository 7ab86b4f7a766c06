package dev.trufflexen.x86.selftest;

import java.util.List;

/**
 * Compares the x87/SSE state two sides left, as 64-bit FXSAVE images: control, status and
 * (abridged) tag words, MXCSR, ST0-ST7 (80 bits each) and XMM0-XMM15.
 *
 * <p>The last-instruction opcode and pointers (FOP, FIP, FDP) are compared only when the host's
 * status word has ES set: AMD processors store them in an FXSAVE image only while an unmasked
 * x87 exception is pending, so otherwise the host's values say nothing about what the
 * instruction recorded.
 */
final class FpuComparison {
    /** Bytes 0-415 of the image: everything up to the end of XMM15. */
    static final int USED_BYTES = 416;

    private FpuComparison() {
    }

    static void compare(byte[] host, byte[] ours, List<String> differences) {
        compareField("x87 control word", host, ours, 0, 2, differences);
        compareField("x87 status word", host, ours, 2, 2, differences);
        compareField("x87 tag byte", host, ours, 4, 1, differences);
        compareField("MXCSR", host, ours, 24, 4, differences);
        if ((host[2] & 0x80) != 0) {
            compareField("x87 FOP", host, ours, 6, 2, differences);
            compareField("x87 FIP", host, ours, 8, 8, differences);
            compareField("x87 FDP", host, ours, 16, 8, differences);
        }
        for (int i = 0; i < 8; i++) {
            compareField("ST" + i, host, ours, 32 + 16 * i, 10, differences);
        }
        for (int i = 0; i < 16; i++) {
            compareField("XMM" + i, host, ours, 160 + 16 * i, 16, differences);
        }
    }

    private static void compareField(String name, byte[] host, byte[] ours, int offset, int length, List<String> differences) {
        if (!java.util.Arrays.equals(host, offset, offset + length, ours, offset, offset + length)) {
            differences.add(String.format("%s: host %s, TruffleXen %s", name, hex(host, offset, length), hex(ours, offset, length)));
        }
    }

    /** A little-endian field as one hexadecimal number (most significant byte first). */
    static String hex(byte[] image, int offset, int length) {
        StringBuilder sb = new StringBuilder("0x");
        for (int i = length - 1; i >= 0; i--) {
            sb.append(String.format("%02x", image[offset + i] & 0xFF));
        }
        return sb.toString();
    }
}
