package dev.trufflexen.x86.mmu;

/**
 * What the MMU needs to know about translated code: which machine frames hold bytes that
 * translated regions were built from, and whom to tell when such bytes are written.
 */
public interface X86CodeFrames {
    /** True when translated code was built from machine frame {@code mfn}. Cheap and lock-free. */
    boolean holdsCode(long mfn);

    /** A guest write touched {@code [machineAddress, machineAddress + length)} in a code frame. */
    void codeWritten(long machineAddress, int length);

    /**
     * A guest store from translated code is about to write {@code [machineAddress, machineAddress
     * + length)} in a code frame. May throw {@link dev.trufflexen.x86.runtime.X86ExitException}
     * to run the storing instruction again (nothing of it written yet), as a page fault would.
     */
    default void beforeGuestWrite(long machineAddress, int length) {
    }

    /** Changes whenever a frame starts holding code, so CPUs know to flush their write TLBs. */
    int epoch();
}
