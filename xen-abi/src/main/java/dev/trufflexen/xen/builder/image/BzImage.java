package dev.trufflexen.xen.builder.image;

/**
 * The parts of a Linux bzImage's setup header (boot protocol, {@code Documentation/arch/x86/boot.rst})
 * that locate the compressed kernel: {@code setup_sects} at 0x1f1, the "HdrS" magic at 0x202, the
 * protocol version at 0x206 (2.08 or later has the payload fields), {@code payload_offset} at
 * 0x248 and {@code payload_length} at 0x24c. The payload starts {@code payload_offset} bytes into
 * the protected-mode code, which follows the {@code setup_sects + 1} 512-byte sectors of boot
 * sector and setup code.
 *
 * @param payloadStart file offset of the payload
 * @param payloadLength its length in bytes
 */
record BzImage(int payloadStart, int payloadLength) {
    private static final int SETUP_SECTS = 0x1f1;
    private static final int HEADER_MAGIC = 0x202;
    private static final int VERSION = 0x206;
    private static final int PAYLOAD_OFFSET = 0x248;
    private static final int PAYLOAD_LENGTH = 0x24c;
    /** The setup header up to and including payload_length. */
    static final int HEADER_END = 0x250;
    private static final int MIN_VERSION = 0x0208;

    /** True when {@code file} carries the setup header's "HdrS" magic. */
    static boolean matches(byte[] file) {
        return file.length >= HEADER_END && file[HEADER_MAGIC] == 'H' && file[HEADER_MAGIC + 1] == 'd'
                && file[HEADER_MAGIC + 2] == 'r' && file[HEADER_MAGIC + 3] == 'S';
    }

    /** Reads and checks the header of a file that {@link #matches}. */
    static BzImage parse(String fileName, byte[] file) {
        int version = LittleEndian.read16(file, VERSION);
        if (version < MIN_VERSION) {
            throw ImageError.of(fileName, String.format("bzImage boot protocol %d.%02d is too old; the payload "
                    + "fields arrived with 2.08", version >> 8, version & 0xff));
        }
        long start = ((file[SETUP_SECTS] & 0xffL) + 1) * 512 + Integer.toUnsignedLong(LittleEndian.read32(file, PAYLOAD_OFFSET));
        long length = Integer.toUnsignedLong(LittleEndian.read32(file, PAYLOAD_LENGTH));
        if (start >= file.length) {
            throw ImageError.of(fileName, "bzImage payload offset 0x" + Long.toHexString(start)
                    + " (setup_sects and payload_offset) is past the end of the " + file.length + "-byte file");
        }
        if (start + length > file.length) {
            throw ImageError.of(fileName, "bzImage payload_length " + length + " at offset 0x" + Long.toHexString(start)
                    + " runs past the end of the " + file.length + "-byte file");
        }
        return new BzImage((int) start, (int) length);
    }
}
