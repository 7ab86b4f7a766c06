package dev.trufflexen.launcher.gdb;

/** Hex encodings of the GDB remote protocol: bytes as pairs of digits, values little-endian. */
final class GdbHex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private GdbHex() {
    }

    static String bytes(byte[] data) {
        return bytes(data, 0, data.length);
    }

    static String bytes(byte[] data, int offset, int length) {
        StringBuilder hex = new StringBuilder(2 * length);
        for (int i = offset; i < offset + length; i++) {
            hex.append(DIGITS[data[i] >> 4 & 0xF]).append(DIGITS[data[i] & 0xF]);
        }
        return hex.toString();
    }

    static String text(String text) {
        return bytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Pairs of hex digits to bytes; throws {@link NumberFormatException} on anything else. */
    static byte[] parseBytes(String hex) {
        if (hex.length() % 2 != 0) {
            throw new NumberFormatException("odd number of hex digits");
        }
        byte[] data = new byte[hex.length() / 2];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        }
        return data;
    }

    /** A hex number as gdb writes addresses and lengths (big-endian digits). */
    static long parseNumber(String hex) {
        if (hex.isEmpty() || hex.length() > 16) {
            throw new NumberFormatException("bad hex number '" + hex + "'");
        }
        return Long.parseUnsignedLong(hex, 16);
    }

    static byte[] le(long value, int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (value >>> (8 * i));
        }
        return data;
    }

    static long fromLe(byte[] data) {
        long value = 0;
        for (int i = Math.min(data.length, 8) - 1; i >= 0; i--) {
            value = value << 8 | (data[i] & 0xFF);
        }
        return value;
    }
}
