package dev.trufflexen.launcher.bench;

import java.util.Objects;
import java.util.stream.Stream;

/**
 * One workload measured on every platform. {@code qemu} is null when qemu-x86_64 is not
 * installed (or was skipped), {@code nativeRun} when only the guest ran (a child JVM of
 * {@code txl bench --fresh-jvm}, whose parent runs the native reference); the slowdown factors
 * are native rate over platform rate, so 3.0 means the platform needs three times as long as
 * native code for the same work.
 */
public record WorkloadResult(String name, BenchRun guest, BenchRun nativeRun, BenchRun qemu) {

    public double guestOverNative() {
        return slowdown(guest);
    }

    /**
     * The guest's steady-state vCPU time per iteration over native code's time per iteration:
     * the slowdown of the guest's compiled code on a CPU of its own, apart from the time its
     * vCPU waited for one (native runs are single-threaded processes, their wall time their CPU
     * time); NaN when not measured.
     */
    public double guestCpuOverNative() {
        return guest.ok() && nativeOk() ? guest.steadyCpuSecondsPerIteration() * nativeRun.steadyRate() : Double.NaN;
    }

    public double qemuOverNative() {
        return qemu == null ? Double.NaN : slowdown(qemu);
    }

    private double slowdown(BenchRun run) {
        return run.ok() && nativeOk() ? nativeRun.steadyRate() / run.steadyRate() : Double.NaN;
    }

    private boolean nativeOk() {
        return nativeRun != null && nativeRun.ok();
    }

    /** Iterations per round (the same on every platform). */
    public long iterations() {
        return Stream.of(nativeRun, guest, qemu).filter(Objects::nonNull).filter(r -> !r.rounds().isEmpty())
                .findFirst().map(r -> r.rounds().getFirst().iterations()).orElse(0L);
    }

    /** Every platform that ran finished all its rounds with one checksum, the same everywhere. */
    public boolean checksumsMatch() {
        BenchRun reference = nativeRun != null ? nativeRun : guest;
        return Stream.of(guest, nativeRun, qemu).filter(Objects::nonNull)
                .allMatch(r -> r.ok() && Objects.equals(r.checksum(), reference.checksum()));
    }
}
