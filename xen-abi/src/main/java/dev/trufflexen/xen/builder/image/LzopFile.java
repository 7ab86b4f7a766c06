package dev.trufflexen.xen.builder.image;

import io.airlift.compress.lzo.LzoDecompressor;

/**
 * An lzop file (Linux's lzo payloads): a header (magic, versions, method, flags, mode, times, a
 * name and a checksum), then blocks of big-endian uncompressed length, compressed length, the
 * checksums the flags call for and the LZO1X data (stored as it is when it did not compress),
 * ended by a zero length.
 */
final class LzopFile {
    private static final int MAGIC_LENGTH = 9;
    private static final int F_ADLER32_D = 0x1;
    private static final int F_ADLER32_C = 0x2;
    private static final int F_H_EXTRA_FIELD = 0x40;
    private static final int F_CRC32_D = 0x100;
    private static final int F_CRC32_C = 0x200;
    private static final int F_H_FILTER = 0x800;
    private static final int MAX_BLOCK_SIZE = 64 << 20;

    private final String fileName;
    private final String what;
    private final byte[] data;
    private final int start;
    private final int end;
    private int at;

    private LzopFile(String fileName, String what, byte[] data, int offset, int length) {
        this.fileName = fileName;
        this.what = what;
        this.data = data;
        this.start = offset;
        this.end = offset + length;
        this.at = offset + MAGIC_LENGTH;
    }

    static byte[] decode(String fileName, String what, byte[] data, int offset, int length, int size) {
        return new LzopFile(fileName, what, data, offset, length).decode(size);
    }

    private byte[] decode(int size) {
        int flags = readHeader();
        byte[] out = new byte[size];
        LzoDecompressor lzo = new LzoDecompressor();
        int written = 0;
        while (true) {
            long uncompressed = u32();
            if (uncompressed == 0) {
                break;
            }
            if (uncompressed > MAX_BLOCK_SIZE) {
                throw ImageError.of(fileName, what + ": block of " + uncompressed + " bytes is larger than lzop's "
                        + MAX_BLOCK_SIZE);
            }
            long compressed = u32();
            skip(4 * (Integer.bitCount(flags & (F_ADLER32_D | F_CRC32_D))));
            if (compressed < uncompressed) {
                skip(4 * (Integer.bitCount(flags & (F_ADLER32_C | F_CRC32_C))));
            }
            if (compressed == 0 || compressed > uncompressed || compressed > end - at) {
                throw ImageError.of(fileName, what + " is truncated or corrupt: block at payload offset " + (at - start)
                        + " has " + compressed + " compressed bytes for " + uncompressed);
            }
            if (uncompressed > size - written) {
                throw ImageError.moreThanDeclared(fileName, what, size);
            }
            int n = (int) uncompressed;
            if (compressed == uncompressed) {
                System.arraycopy(data, at, out, written, n);
            } else if (lzo.decompress(data, at, (int) compressed, out, written, n) != n) {
                throw ImageError.of(fileName, what + " is corrupt: block at payload offset " + (at - start)
                        + " does not decompress to its " + n + " bytes");
            }
            written += n;
            at += (int) compressed;
        }
        if (written != size) {
            throw ImageError.sizeMismatch(fileName, what, written, size);
        }
        return out;
    }

    /** Reads the header after the magic; returns its flags. */
    private int readHeader() {
        int version = u16();
        skip(2); // library version
        if (version >= 0x0940) {
            skip(2); // version needed to extract
        }
        int method = u8();
        if (method < 1 || method > 3) {
            throw ImageError.of(fileName, what + ": lzop method " + method + " is not LZO1X");
        }
        if (version >= 0x0940) {
            skip(1); // level
        }
        int flags = (int) u32();
        if ((flags & F_H_FILTER) != 0) {
            skip(4);
        }
        skip(version >= 0x0940 ? 12 : 8); // mode, mtime (low and high)
        skip(u8()); // file name
        skip(4); // header checksum
        if ((flags & F_H_EXTRA_FIELD) != 0) {
            long extra = u32();
            if (extra > end - at) {
                throw truncated();
            }
            skip((int) extra + 4);
        }
        return flags;
    }

    private int u8() {
        need(1);
        return data[at++] & 0xff;
    }

    private int u16() {
        need(2);
        int value = LittleEndian.read16BigEndian(data, at);
        at += 2;
        return value;
    }

    private long u32() {
        need(4);
        long value = Integer.toUnsignedLong(LittleEndian.read32BigEndian(data, at));
        at += 4;
        return value;
    }

    private void skip(int bytes) {
        need(bytes);
        at += bytes;
    }

    private void need(int bytes) {
        if (bytes > end - at) {
            throw truncated();
        }
    }

    private RuntimeException truncated() {
        return ImageError.of(fileName, what + " is truncated at payload offset " + (at - start));
    }
}
