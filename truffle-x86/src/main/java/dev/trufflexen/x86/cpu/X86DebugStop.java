package dev.trufflexen.x86.cpu;

/**
 * Why {@link X86Cpu#run} returned to a debugger: a stop before the instruction at
 * {@code address} ({@link Kind#BREAKPOINT}), one instruction stepped ({@link Kind#STEP}), an
 * access that hit the debugger's watchpoints ({@code slots}: their B bits, {@link Kind#WATCH};
 * RIP is after the instruction), a pause the debugger asked for from another thread, or a
 * profiler's sample ({@link Kind#SAMPLE}: the vCPU runs on at once, RIP is where it was).
 */
public record X86DebugStop(Kind kind, long address, int slots) {
    public enum Kind {
        BREAKPOINT, STEP, WATCH, PAUSE, SAMPLE
    }

    private static final X86DebugStop STEP = new X86DebugStop(Kind.STEP, 0, 0);
    private static final X86DebugStop PAUSE = new X86DebugStop(Kind.PAUSE, 0, 0);
    private static final X86DebugStop SAMPLE = new X86DebugStop(Kind.SAMPLE, 0, 0);

    public static X86DebugStop breakpoint(long rip) {
        return new X86DebugStop(Kind.BREAKPOINT, rip, 0);
    }

    public static X86DebugStop step() {
        return STEP;
    }

    public static X86DebugStop watch(int slots) {
        return new X86DebugStop(Kind.WATCH, 0, slots);
    }

    public static X86DebugStop pause() {
        return PAUSE;
    }

    public static X86DebugStop sample() {
        return SAMPLE;
    }
}
