package dev.trufflexen.x86.selftest;

/**
 * The state one side (host CPU or TruffleXen) left after running a {@link CpuCase}: every case
 * ends in an exception, normally the {@code int3} after the instruction ({@code #BP}, RIP after
 * it), otherwise the fault the instruction raised (RIP at the instruction).
 *
 * @param vector the exception vector, or {@link #TIMEOUT} when the case did not stop in time
 * @param errorCode the exception's error code (0 when it has none)
 * @param faultAddress CR2 for {@code #PF}, else 0
 * @param fpu the x87/SSE state as a 64-bit FXSAVE image (bytes 416-511 zero)
 */
public record CpuOutcome(int vector, long errorCode, long faultAddress, long[] registers, long rip, long rflags, byte[] data,
        byte[] fpu) {
    public static final int TIMEOUT = -1;

    public boolean timedOut() {
        return vector == TIMEOUT;
    }
}
