package dev.trufflexen.xen.builder.image;

import java.io.IOException;
import java.io.InputStream;

import dev.trufflexen.xen.domain.DomainBuildException;
import com.github.luben.zstd.Zstd;

/**
 * Decompresses one payload to exactly the size its trailing 32-bit size word declares, never
 * producing more than that or than the bound (the domain's memory).
 */
final class PayloadDecoder {
    private static final int SIZE_WORD = 4;

    private PayloadDecoder() {
    }

    /**
     * @param what how errors name the payload, e.g. "bzImage payload (xz)"
     * @param bound the most bytes the output may have
     */
    static byte[] decode(String fileName, String what, Compression compression, byte[] data, int offset, int length,
            long bound) {
        if (length <= SIZE_WORD + 1) {
            throw ImageError.of(fileName, what + " is truncated: " + length + " bytes");
        }
        long declared = Integer.toUnsignedLong(LittleEndian.read32(data, offset + length - SIZE_WORD));
        long limit = Math.min(bound, Integer.MAX_VALUE - 16L);
        if (declared > limit) {
            throw ImageError.of(fileName, what + " declares " + declared + " bytes uncompressed, more than the "
                    + ImageError.mib(bound) + " it may take (the domain's memory)");
        }
        if (declared == 0) {
            throw ImageError.of(fileName, what + " declares 0 bytes uncompressed");
        }
        // gzip's own trailer ends with the size word; every other payload has it appended.
        int inputLength = compression == Compression.GZIP ? length : length - SIZE_WORD;
        int size = (int) declared;
        try {
            return switch (compression) {
                case LZ4 -> Lz4LegacyFrames.decode(fileName, what, data, offset, inputLength, size);
                case LZO -> LzopFile.decode(fileName, what, data, offset, inputLength, size);
                case ZSTD -> zstd(fileName, what, data, offset, inputLength, size);
                default -> stream(fileName, what, compression.open(data, offset, inputLength, size), size);
            };
        } catch (DomainBuildException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw ImageError.of(fileName, what + " is corrupt or truncated: " + describe(e));
        }
    }

    private static byte[] stream(String fileName, String what, InputStream in, int size) throws IOException {
        try (in) {
            byte[] out = new byte[size];
            int n = in.readNBytes(out, 0, size);
            if (n < size) {
                throw ImageError.sizeMismatch(fileName, what, n, size);
            }
            if (in.read() >= 0) {
                throw ImageError.moreThanDeclared(fileName, what, size);
            }
            return out;
        }
    }

    /** One-shot zstd into a buffer of the declared size (no window is allocated, whatever the frame declares). */
    private static byte[] zstd(String fileName, String what, byte[] data, int offset, int length, int size) {
        byte[] out = new byte[size];
        long n = Zstd.decompressByteArray(out, 0, size, data, offset, length);
        if (Zstd.isError(n)) {
            throw ImageError.of(fileName, what + " is corrupt, truncated or larger than the " + size
                    + " bytes its size field declares: " + Zstd.getErrorName(n));
        }
        if (n != size) {
            throw ImageError.sizeMismatch(fileName, what, n, size);
        }
        return out;
    }

    static String describe(Exception e) {
        if (e instanceof java.io.EOFException && e.getMessage() == null) {
            return "the compressed stream ends early";
        }
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        text = text.replaceAll("[^\\x20-\\x7e]", "?").strip();
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }
}
