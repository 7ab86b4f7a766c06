package dev.trufflexen.x86.decoder;

/** Where the decoder reads instruction bytes from. */
public interface X86CodeSource {
    /**
     * The byte at {@code linearAddress} (0..255), or a negative fault code when fetching it would
     * fault (see {@link dev.trufflexen.x86.mmu.X86Mmu#faultFor}).
     */
    long byteAt(long linearAddress);

    /** Bytes of an array placed at {@code rip}; bytes outside it fault like a non-present page. */
    static X86CodeSource of(byte[] code, int offset, long rip) {
        return linearAddress -> {
            long index = linearAddress - rip + offset;
            if (index < offset || index >= code.length) {
                return dev.trufflexen.x86.mmu.X86Mmu.fetchFaultCode();
            }
            return code[(int) index] & 0xFF;
        };
    }
}
