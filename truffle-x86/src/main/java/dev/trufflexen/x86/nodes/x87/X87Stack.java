package dev.trufflexen.x86.nodes.x87;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X87Extended;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * The x87 register stack and status word as instructions see them: ST(i) by stack index, push
 * and pop with tags, stack faults, and the end-of-instruction status update (exception flags,
 * C1, the ES/B summary that makes the next waiting instruction raise #MF).
 */
public final class X87Stack {
    public static final int C0 = 0x0100;
    public static final int C1 = 0x0200;
    public static final int C2 = 0x0400;
    public static final int C3 = 0x4000;
    public static final int CONDITION_CODES = C0 | C1 | C2 | C3;
    public static final int ES = 0x0080;
    public static final int BUSY = 0x8000;

    private X87Stack() {
    }

    public static int physical(X86FpuState fpu, int i) {
        return (fpu.top() + i) & 7;
    }

    public static boolean isEmpty(X86FpuState fpu, int i) {
        return fpu.tag(physical(fpu, i)) == X86FpuState.TAG_EMPTY;
    }

    public static long sig(X86FpuState fpu, int i) {
        return fpu.significand(physical(fpu, i));
    }

    public static int se(X86FpuState fpu, int i) {
        return fpu.signExponent(physical(fpu, i));
    }

    /** Writes ST(i) and its tag. */
    public static void write(X86FpuState fpu, int i, long sig, int se) {
        int p = physical(fpu, i);
        fpu.setRegister(p, sig, se);
        fpu.setTag(p, X86FpuState.classify(sig, se));
    }

    public static void pop(X86FpuState fpu) {
        int top = fpu.top();
        fpu.setTag(top, X86FpuState.TAG_EMPTY);
        fpu.setTop(top + 1);
    }

    public static void push(X86FpuState fpu, long sig, int se) {
        fpu.setTop(fpu.top() - 1);
        write(fpu, 0, sig, se);
    }

    /** A waiting instruction with an unmasked exception pending raises #MF before it does anything. */
    public static void checkPending(X86FpuState fpu) {
        if ((fpu.statusWord() & ES) != 0) {
            throw X86ExitException.fault(X86Fault.MF);
        }
    }

    /** Stack underflow: IE and SF, C1 clear. Returns whether the masked default result is delivered. */
    public static boolean underflow(X87Extended x) {
        x.flags |= X87Extended.SF;
        x.flags &= ~X87Extended.ROUNDED_UP;
        return x.invalid();
    }

    /**
     * Ends an instruction: ORs its exception flags into the status word, sets C1 from the round-up
     * indication (or from a stack overflow), and the ES/B summary when an unmasked exception is
     * pending. {@code clearCodes} are the condition codes the instruction defines as cleared.
     */
    public static void finish(X86FpuState fpu, X87Extended x, int clearCodes) {
        int sw = fpu.statusWord() & ~clearCodes;
        int f = x.flags;
        sw |= f & 0x7F;
        if ((f & X87Extended.ROUNDED_UP) != 0) {
            sw |= C1;
        }
        fpu.setStatusWord(sw);
        updateSummary(fpu);
    }

    /** Sets ES and B when an exception flag is set whose mask is clear. */
    public static void updateSummary(X86FpuState fpu) {
        int sw = fpu.statusWord();
        if ((sw & ~fpu.controlWord() & 0x3F) != 0) {
            fpu.setStatusWord(sw | ES | BUSY);
        } else {
            fpu.setStatusWord(sw & ~(ES | BUSY));
        }
    }

    /** Stack overflow on a push: IE, SF and C1. Returns whether the masked default is pushed. */
    public static boolean overflow(X87Extended x) {
        x.flags |= X87Extended.SF | X87Extended.ROUNDED_UP;
        return x.invalid();
    }
}
