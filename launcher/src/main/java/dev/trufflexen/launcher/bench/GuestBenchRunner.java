package dev.trufflexen.launcher.bench;

import dev.trufflexen.dom0.console.ConsoleBackend;
import dev.trufflexen.launcher.config.ConfigException;
import dev.trufflexen.launcher.config.DomainConfig;
import dev.trufflexen.launcher.config.DomainConfigReader;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainBuildException;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.sched.HostScheduler;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.x86.runtime.X86Counters;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a workload as a PV guest on the Xen core in this JVM: a fresh hypervisor per workload (so
 * each starts with a cold JIT, as {@code txl create} would), the domain from the workload's .cfg
 * with the harness's command line, and its PV console connected to a {@link MarkerRecorder}. The
 * console backend drains the ring when the guest kicks its event channel, which the driver does
 * for every marker, so the recorder sees each marker while the guest waits for the flush.
 */
final class GuestBenchRunner {
    /** Machine memory beyond the domain's own, as txl create gives. */
    private static final long OVERHEAD_MIB = 64;

    private GuestBenchRunner() {
    }

    /**
     * Runs the guest; after {@code timeoutSeconds} (0: never) the domain is stopped as by a
     * watchdog. With {@code counters} non-null, traces compilations and leaves the run's
     * {@link GuestCounters} in {@code counters[0]} (its events are zero unless the JVM has
     * {@link X86Counters#ENABLED}).
     */
    static BenchRun run(BenchWorkload workload, String cmdline, int rounds, long timeoutSeconds, GuestCounters[] counters,
            MarkerRecorder.RoundListener listener) {
        DomainConfig config;
        try {
            config = DomainConfigReader.read(workload.config(), workload.config().toString(),
                    List.of("cmdline=\"" + cmdline + "\""), workload.config().getParent());
        } catch (ConfigException e) {
            return BenchRun.failed("guest", e.getMessage());
        }
        GuestCpuSampler cpu = new GuestCpuSampler(listener);
        MarkerRecorder recorder = new MarkerRecorder(cpu);
        XenHypervisor.Options options = new XenHypervisor.Options(false, false, null, config.memoryMiB() + OVERHEAD_MIB);
        GuestCounters.EngineLog engineLog = counters == null && !GuestCounters.EngineLog.ECHO ? null : new GuestCounters.EngineLog();
        if (counters != null) {
            X86Counters.reset();
        }
        try (XenHypervisor xen = engineLog == null ? XenHypervisor.create(options)
                : XenHypervisor.create(options, Map.of("engine.TraceCompilation", "true"), engineLog)) {
            Domain domain;
            try {
                domain = xen.createDomain(new DomainSpec(config.name(), config.kernel(), config.ramdisk(),
                        config.memoryMiB(), config.vcpus(), config.cmdline(),
                        ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
            } catch (DomainBuildException e) {
                return BenchRun.failed("guest", "domain builder rejected " + workload.guestImage() + ": " + e.getMessage());
            }
            ConsoleBackend.attach(domain, recorder);
            HostScheduler scheduler = xen.scheduler();
            List<Vcpu> vcpus = domain.vcpus();
            cpu.watch(() -> vcpus.stream().mapToLong(vcpu -> scheduler.stats(vcpu).cpuTimeNs()).sum(), vcpus.size());
            AtomicBoolean timedOut = new AtomicBoolean();
            Thread watchdog = startWatchdog(domain, timeoutSeconds, timedOut);
            ShutdownReason reason = domain.run();
            watchdog.interrupt();
            BenchRun run = new BenchRun("guest", recorder.rounds(), null);
            if (counters != null) {
                BenchRound firstSteady = run.firstSteadyRound();
                counters[0] = engineLog.finish(X86Counters.snapshot(),
                        firstSteady == null ? Long.MAX_VALUE : recorder.beginArrivedNanos(firstSteady.number()));
            }
            String crash = domain.crashReport() == null ? null : domain.crashReport().text();
            domain.release();
            run = run.withCpu(cpu.measure(run.rounds(), run.beforeSteadyState()));
            if (reason != ShutdownReason.POWEROFF) {
                String why = (timedOut.get() ? "timed out after " + timeoutSeconds + " s; "
                        : "guest stopped with " + reason.name().toLowerCase(java.util.Locale.ROOT) + " ")
                        + "after " + recorder.rounds().size() + " of " + rounds + " rounds";
                return new BenchRun("guest", recorder.rounds(),
                        why + (crash != null ? "\n" + crash : "\nlast output:\n" + recorder.tail()));
            }
            return run.expectRounds(rounds, recorder.done(), recorder.tail());
        }
    }

    private static Thread startWatchdog(Domain domain, long timeoutSeconds, AtomicBoolean timedOut) {
        return Thread.ofPlatform().daemon().name("bench-watchdog-d" + domain.id()).start(() -> {
            if (timeoutSeconds <= 0) {
                return;
            }
            try {
                Thread.sleep(timeoutSeconds * 1000);
                timedOut.set(true);
                domain.shutdown(ShutdownReason.WATCHDOG);
            } catch (InterruptedException e) {
                // the guest stopped in time
            }
        });
    }
}
