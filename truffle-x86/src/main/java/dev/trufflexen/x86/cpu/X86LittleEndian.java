package dev.trufflexen.x86.cpu;

/** Little-endian fields in byte arrays: FXSAVE images, x87 environments, tester data pages. */
public final class X86LittleEndian {
    private X86LittleEndian() {
    }

    public static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    public static void putInt(byte[] b, int at, int v) {
        putShort(b, at, v);
        putShort(b, at + 2, v >>> 16);
    }

    public static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) v);
        putInt(b, at + 4, (int) (v >>> 32));
    }

    public static int getShort(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    public static int getInt(byte[] b, int at) {
        return getShort(b, at) | getShort(b, at + 2) << 16;
    }

    public static long getLong(byte[] b, int at) {
        return (getInt(b, at) & 0xFFFF_FFFFL) | (long) getInt(b, at + 4) << 32;
    }
}
