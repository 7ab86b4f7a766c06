package dev.trufflexen.perf;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Optional;

import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.StepParts;
import dev.trufflexen.xen.sched.VcpuTimers;

/**
 * What an idle kernel's tick costs the host, by thread: the events guest's {@code bench=tick}
 * (a 250 Hz single-shot tick, SCHEDOP_block between ticks) on a host of its own. Once the
 * compiler threads have been quiet for three windows, {@code windows} windows of 500 ticks each
 * print the host CPU per tick of each thread and the worker wake-ups, each followed by what a bare
 * timed wait of the same period costs a thread of this host ({@link HostTimedWait}). Run with
 * {@code -Dtrufflexen.stepParts=tick}, each window also prints the median wall time of each step
 * of a tick on its worker ({@link StepParts}). A plain main: {@code IdleTickParts [windows]}.
 */
public final class IdleTickParts {
    private static final long TICKS_PER_WINDOW = 500;
    /** The events guest's tick: 250 Hz. */
    private static final long TICK_PERIOD_NS = 4_000_000L;

    private IdleTickParts() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("lateness")) {
            lateness();
            return;
        }
        int windows = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (XenHypervisor xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 128),
                GuestMachine.ENGINE_OPTIONS, new ByteArrayOutputStream())) {
            Domain domain = xen.createDomain(new DomainSpec("tick", GuestImageFiles.kernel("events"), Optional.empty(), 32, 1,
                    "bench=tick", ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
            Thread runner = new Thread(domain::run, "tick-domain");
            runner.setDaemon(true);
            runner.start();
            VcpuTimers timers = VcpuTimers.of(domain.vcpu0());
            int quiet = 0;
            int measured = 0;
            while (measured < windows) {
                Map<String, Long> before = ThreadCpu.byGroup(IdleTickParts::group);
                long wakes = xen.scheduler().workerWakeups();
                long start = timers.timerEvents();
                StepParts.reset();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (timers.timerEvents() < start + TICKS_PER_WINDOW && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                long ticks = timers.timerEvents() - start;
                if (ticks == 0) {
                    throw new IllegalStateException("the guest stopped ticking");
                }
                Map<String, Long> after = ThreadCpu.byGroup(IdleTickParts::group);
                long compiling = after.getOrDefault("compiler", 0L) - before.getOrDefault("compiler", 0L);
                if (quiet < 3) {
                    quiet = compiling == 0 ? quiet + 1 : 0;
                    continue;
                }
                measured++;
                long total = 0;
                StringBuilder text = new StringBuilder();
                for (Map.Entry<String, Long> e : after.entrySet()) {
                    long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                    if (e.getKey().startsWith("xen-")) {
                        total += used;
                    }
                    if (used > 0) {
                        text.append(String.format(" %s=%.1f", e.getKey(), used / 1000.0 / ticks));
                    }
                }
                System.out.println(xen.scheduler().timerWatchCounts() + " after " + timers.timerEvents() + " ticks");
                if (StepParts.ENABLED) {
                    System.out.printf("window %d parts: %s%n", measured, StepParts.medians());
                }
                System.out.printf("window %d: %d ticks; host CPU per tick (xen threads) %.1f us;%s; workers woken per tick %.2f; load %s%n",
                        measured, ticks, total / 1000.0 / ticks, text, (xen.scheduler().workerWakeups() - wakes) / (double) ticks,
                        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
                System.out.printf("window %d: a bare timed wait of one tick's period on this host, right after: %.1f us of thread CPU%n",
                        measured, HostTimedWait.cpuPerWait(250, TICK_PERIOD_NS) / 1000.0);
            }
            domain.destroy();
        }
        System.exit(0);
    }

    /**
     * VIRQ_TIMER lateness as the guest measures it (the events guest's {@code bench=timer}, 100 Hz,
     * and {@code bench=timer1k}, 1 kHz, idle in SCHEDOP_block between ticks): rounds of both on one
     * host ({@code -Dparts.rounds=N}, 3 by default), all but the first printed (its code compiled by
     * the first). The guest's code keeps compiling for a few rounds: the 90th percentiles settle
     * from about the third.
     */
    private static void lateness() throws Exception {
        try (XenHypervisor xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 128),
                GuestMachine.ENGINE_OPTIONS, new ByteArrayOutputStream())) {
            for (int round = 0; round < Integer.getInteger("parts.rounds", 3); round++) {
                for (String bench : new String[] {"timer", "timer1k"}) {
                    Domain domain = xen.createDomain(new DomainSpec("late", GuestImageFiles.kernel("events"), Optional.empty(), 32,
                            1, "bench=" + bench, ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
                    domain.run();
                    String prefix = "(d" + domain.id() + ") ";
                    StringBuilder text = new StringBuilder();
                    for (String line : xen.console().lines()) {
                        if (line.startsWith(prefix) && line.contains("_lateness_") && line.contains("# ")) {
                            String kv = line.substring(line.indexOf("# ") + 2);
                            String[] parts = kv.split("=");
                            text.append(' ').append(parts[0].replace(bench + "_lateness_", "")).append('=')
                                    .append(Long.decode(parts[1].strip()) / 1000).append("us");
                        }
                    }
                    domain.release();
                    if (round > 0) {
                        System.out.printf("round %d %s:%s; load %s%n", round, bench, text,
                                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
                    }
                }
            }
        }
        System.exit(0);
    }

    /** A thread's group: the compiler's threads together, each xen- thread alone, the rest together. */
    private static String group(String thread) {
        return thread.startsWith("Truffle") ? "compiler" : thread.startsWith("xen-") ? thread : "other";
    }
}
