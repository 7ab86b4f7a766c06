package dev.trufflexen.launcher.debug;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.trufflexen.x86.cpu.X86DebugStop;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * Where a domain's guest time goes: a sampling profiler. A timer thread asks each vCPU that is
 * in guest code to leave it at its next region exit or back edge ({@link X86DebugStop#sample},
 * never displacing another exit request); the vCPU's own thread records its RIP there
 * ({@link #record}) and runs on at once. Translated code does not change for it: a sample is an
 * ordinary exit, so samples land on region boundaries and loop back edges, which is where
 * translated code spends its time. A vCPU that is not in guest code at a tick (blocked, paused,
 * descheduled, stopped by the debugger) is counted apart, as time the guest did not run.
 */
public final class GuestProfiler {
    /** Sampling period when none is given: 1 ms, 1000 samples a second per busy vCPU. */
    public static final long DEFAULT_PERIOD_MICROS = 1_000;

    /** One line of a report: a function (or an address without symbols), its samples and share. */
    public record Entry(String where, long samples, double percent) {
    }

    /** A report: guest samples by place, most first, and the ticks no vCPU was in guest code. */
    public record Report(long samples, long offCpuTicks, double seconds, long periodMicros, List<Entry> entries) {
    }

    private final Domain domain;
    private final Map<Long, LongAdder> samplesByRip = new ConcurrentHashMap<>();
    private final AtomicLong offCpuTicks = new AtomicLong();
    private volatile Thread sampler;
    private volatile long periodMicros = DEFAULT_PERIOD_MICROS;
    private long startedNanos;
    private long elapsedNanos;

    public GuestProfiler(Domain domain) {
        this.domain = domain;
    }

    public synchronized boolean isRunning() {
        return sampler != null;
    }

    /** Starts sampling afresh every {@code period} microseconds; throws when already sampling. */
    public synchronized void start(long period) {
        if (sampler != null) {
            throw new DebugException("the profiler is already running ('profile stop' first)");
        }
        if (period < 100 || period > 1_000_000) {
            throw new DebugException("'" + period + "': the sampling period is 100 to 1000000 microseconds");
        }
        samplesByRip.clear();
        offCpuTicks.set(0);
        periodMicros = period;
        elapsedNanos = 0;
        startedNanos = System.nanoTime();
        Thread thread = new Thread(this::sampleLoop, "profiler-d" + domain.id());
        thread.setDaemon(true);
        sampler = thread;
        thread.start();
    }

    /** Stops sampling; false when it was not running. */
    public boolean stop() {
        Thread thread;
        synchronized (this) {
            thread = sampler;
            if (thread == null) {
                return false;
            }
            sampler = null;
            elapsedNanos = System.nanoTime() - startedNanos;
        }
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void sampleLoop() {
        Thread self = Thread.currentThread();
        while (sampler == self && !domain.isDying()) {
            for (Vcpu vcpu : domain.vcpus()) {
                if (vcpu.isRunning() && vcpu.cpu() != null && !vcpu.isPaused()) {
                    vcpu.cpu().requestExitIfNone(X86DebugStop.sample());
                } else {
                    offCpuTicks.incrementAndGet();
                }
            }
            try {
                Thread.sleep(periodMicros / 1000, (int) (periodMicros % 1000) * 1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A sample, on the vCPU's thread at the exit it asked for: the guest was at {@code rip}. */
    public void record(long rip) {
        samplesByRip.computeIfAbsent(rip, r -> new LongAdder()).increment();
    }

    /** The samples so far (sampling may go on), grouped by function, the first {@code limit} places. */
    public Report report(ElfSymbols symbols, int limit) {
        Map<String, Long> byPlace = new HashMap<>();
        samplesByRip.forEach((rip, count) -> {
            ElfSymbols.Symbol symbol = symbols.covering(rip);
            String where = symbol != null ? symbol.name() : String.format("0x%016x", rip);
            byPlace.merge(where, count.sum(), Long::sum);
        });
        long total = byPlace.values().stream().mapToLong(Long::longValue).sum();
        List<Entry> entries = new ArrayList<>();
        byPlace.forEach((where, count) -> entries.add(new Entry(where, count, total == 0 ? 0 : 100.0 * count / total)));
        entries.sort(Comparator.comparingLong(Entry::samples).reversed().thenComparing(Entry::where));
        long nanos;
        synchronized (this) {
            nanos = sampler != null ? System.nanoTime() - startedNanos : elapsedNanos;
        }
        return new Report(total, offCpuTicks.get(), nanos / 1e9, periodMicros,
                List.copyOf(entries.subList(0, Math.min(limit, entries.size()))));
    }
}
