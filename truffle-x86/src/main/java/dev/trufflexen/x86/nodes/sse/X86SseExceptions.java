package dev.trufflexen.x86.nodes.sse;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.runtime.X86ExitException;

/** The faults SSE instructions raise besides memory faults. */
final class X86SseExceptions {
    private X86SseExceptions() {
    }

    /** #XM: an unmasked SIMD floating-point exception. */
    static X86ExitException simdFault() {
        return X86ExitException.fault(X86Fault.XM);
    }
}
