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

    /** What an xz or lzma header may make the decoder allocate for its dictionary. */
    private static final long MAX_DICTIONARY_BYTES = 256L << 20;

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

    /** True for formats read as a stream (the others are block containers read here). */
    boolean isStream() {
        return this != LZ4 && this != LZO && this != ZSTD;
    }

    /** A decompressing stream over a whole stream-format input. */
    InputStream open(byte[] data, int offset, int length, long outputBound) throws IOException {
        InputStream in = new ByteArrayInputStream(data, offset, length);
        int memoryLimitKiB = (int) (Math.min(MAX_DICTIONARY_BYTES, Math.max(outputBound, 1 << 20)) >> 10);
        return switch (this) {
            case GZIP -> new GzipCompressorInputStream(in, false);
            case BZIP2 -> new BZip2CompressorInputStream(in, false);
            case XZ -> new XZInputStream(in, memoryLimitKiB);
            case LZMA -> new LZMAInputStream(in, memoryLimitKiB);
            default -> throw new IllegalStateException(displayName + " is not read as a stream");
        };
    }
}
