package dev.trufflexen.xen.builder.image;

import io.airlift.compress.lz4.Lz4Decompressor;

/**
 * The legacy lz4 frame format ({@code lz4 -l}, what Linux uses): the magic word 0x184C2102, then
 * blocks, each a little-endian compressed length and that many bytes of one lz4 block. The magic
 * word may appear again between blocks (concatenated frames); there is no end marker.
 */
final class Lz4LegacyFrames {
    static final int MAGIC = 0x184C2102;

    private Lz4LegacyFrames() {
    }

    static byte[] decode(String fileName, String what, byte[] data, int offset, int length, int size) {
        byte[] out = new byte[size];
        Lz4Decompressor blocks = new Lz4Decompressor();
        int at = offset + 4;
        int end = offset + length;
        int written = 0;
        while (true) {
            if (end - at < 4) {
                throw ImageError.of(fileName, what + " is truncated: a block's length is missing at payload offset "
                        + (at - offset));
            }
            long chunk = Integer.toUnsignedLong(LittleEndian.read32(data, at));
            at += 4;
            if (chunk == MAGIC) {
                continue;
            }
            if (chunk > end - at) {
                throw ImageError.of(fileName, what + " is truncated: a block of " + chunk + " bytes at payload offset "
                        + (at - 4 - offset) + " runs past its end");
            }
            written += blocks.decompress(data, at, (int) chunk, out, written, size - written);
            at += (int) chunk;
            if (at == end) {
                break;
            }
        }
        if (written != size) {
            throw ImageError.sizeMismatch(fileName, what, written, size);
        }
        return out;
    }
}
