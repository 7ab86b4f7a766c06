package dev.trufflexen.xen.builder.image;

/**
 * Takes the containers off a kernel file: a gzip wrapping around the whole file, then a bzImage,
 * leaving the ELF (see the package description for the shapes and the bounds).
 */
public final class KernelImages {
    private KernelImages() {
    }

    /**
     * @param fileName how errors name the file
     * @param file the file's bytes
     * @param bound the most bytes a decompressed image may have (the domain's memory)
     */
    public static KernelImage unwrap(String fileName, byte[] file, long bound) {
        byte[] bytes = file;
        String shape = "ELF";
        if (Compression.GZIP.matches(file, 0, file.length)) {
            bytes = PayloadDecoder.decode(fileName, "gzip-compressed image", Compression.GZIP, file, 0, file.length, bound);
            shape = "gzip-compressed ELF";
        }
        if (BzImage.matches(bytes)) {
            BzImage bz = BzImage.parse(fileName, bytes);
            Compression compression = Compression.detect(bytes, bz.payloadStart(), bz.payloadLength());
            if (compression == null) {
                throw ImageError.of(fileName, "bzImage payload has an unknown compression format (it starts "
                        + firstBytes(bytes, bz.payloadStart(), bz.payloadLength()) + ")");
            }
            String what = "bzImage " + compression.displayName() + " payload";
            byte[] payload = bytes;
            bytes = PayloadDecoder.decode(fileName, what, compression, payload, bz.payloadStart(), bz.payloadLength(), bound);
            shape = (payload == file ? "" : "gzip-compressed ") + "bzImage (" + compression.displayName() + " payload)";
        }
        return new KernelImage(bytes, shape);
    }

    /** The size a gzip file declares for its content (its ISIZE trailer), or 0 when {@code file} is not gzip. */
    public static long gzipDeclaredSize(byte[] file) {
        if (!Compression.GZIP.matches(file, 0, file.length) || file.length < 18) {
            return 0;
        }
        return Integer.toUnsignedLong(LittleEndian.read32(file, file.length - 4));
    }

    /** The decompressed content of a gzip file, or null when it does not decompress to its declared size within {@code bound}. */
    public static byte[] tryGunzip(String fileName, byte[] file, long bound) {
        try {
            return PayloadDecoder.decode(fileName, "gzip-compressed file", Compression.GZIP, file, 0, file.length, bound);
        } catch (dev.trufflexen.xen.domain.DomainBuildException e) {
            return null;
        }
    }

    private static String firstBytes(byte[] data, int offset, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(6, length); i++) {
            hex.append(String.format("%02x", data[offset + i] & 0xff));
        }
        return hex.length() == 0 ? "empty" : hex.toString();
    }
}
