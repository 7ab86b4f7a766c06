package dev.trufflexen.xen.builder.image;

/** Little-endian reads from a byte array (callers check bounds). */
final class LittleEndian {
    private LittleEndian() {
    }

    static int read16(byte[] data, int at) {
        return (data[at] & 0xff) | (data[at + 1] & 0xff) << 8;
    }

    static int read32(byte[] data, int at) {
        return read16(data, at) | read16(data, at + 2) << 16;
    }

    static int read32BigEndian(byte[] data, int at) {
        return (data[at] & 0xff) << 24 | (data[at + 1] & 0xff) << 16 | (data[at + 2] & 0xff) << 8 | (data[at + 3] & 0xff);
    }

    static int read16BigEndian(byte[] data, int at) {
        return (data[at] & 0xff) << 8 | (data[at + 1] & 0xff);
    }
}
