package dev.trufflexen.xen.builder.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The compressors Linux uses for a bzImage payload, each recognized by its first bytes, in the
 * order libxenguest tries them.
 */
enum Compression {
    GZIP("gzip", 0x1f, 0x8b),
    BZIP2("bzip2", 'B', 'Z', 'h'),
    XZ("xz", 0xfd, '7', 'z', 'X', 'Z', 0x00),
    ZSTD("zstd", 0x28, 0xb5, 0x2f, 0xfd),
    LZMA("lzma", 0x5d, 0x00),
    LZO("lzo", 0x89, 'L', 'Z', 'O', 0x00),
    LZ4("lz4", 0x02, 0x21);

    /**
     * What an xz header may make the decoder allocate (its dictionary): host memory for the
     * moment of decompression, bounded apart from the output. Linux uses dictionaries of 32 MiB
     * and less. An lzma dictionary is cut to the output's declared size, which is all it can use.
     */
    private static final int XZ_MEMORY_LIMIT_KIB = 256 << 10;
    /** The .lzma header: properties byte, dictionary size (LE32), uncompressed size (LE64, -1 when unknown). */
    private static final int LZMA_HEADER = 13;

    private final String displayName;
    private final byte[] magic;

    Compression(String displayName, int... magic) {
        this.displayName = displayName;
        this.magic = new byte[magic.length];
        for (int i = 0; i < magic.length; i++) {
            this.magic[i] = (byte) magic[i];
        }
    }

    String displayName() {
        return displayName;
    }

    boolean matches(byte[] data, int offset, int length) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (data[offset + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** The compressor whose magic starts {@code data[offset..offset+length)}, or null. */
    static Compression detect(byte[] data, int offset, int length) {
        for (Compression c : values()) {
            if (c.matches(data, offset, length)) {
                return c;
            }
        }
        return null;
    }

    /** A decompressing stream over a whole stream-format input that declares {@code size} bytes of output. */
    InputStream open(byte[] data, int offset, int length, int size) throws IOException {
        InputStream in = new ByteArrayInputStream(data, offset, length);
        return switch (this) {
            case GZIP -> new GzipCompressorInputStream(in, false);
            case BZIP2 -> new BZip2CompressorInputStream(in, false);
            case XZ -> new XZInputStream(in, XZ_MEMORY_LIMIT_KIB);
            case LZMA -> lzma(data, offset, length, size);
            default -> throw new IllegalStateException(displayName + " is not read as a stream");
        };
    }

    private static InputStream lzma(byte[] data, int offset, int length, int size) throws IOException {
        if (length < LZMA_HEADER) {
            throw new java.io.EOFException("the lzma header needs " + LZMA_HEADER + " bytes, the payload has " + length);
        }
        long dictionary = Integer.toUnsignedLong(LittleEndian.read32(data, offset + 1));
        long uncompressed = Integer.toUnsignedLong(LittleEndian.read32(data, offset + 5))
                | (long) LittleEndian.read32(data, offset + 9) << 32;
        int usable = (int) Math.max(4096, Math.min(dictionary, size));
        return new LZMAInputStream(new ByteArrayInputStream(data, offset + LZMA_HEADER, length - LZMA_HEADER),
                uncompressed, data[offset], usable);
    }
}
