package dev.trufflexen.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.sched.HostScheduler;
import dev.trufflexen.xen.sched.SchedulerConfig;
import dev.trufflexen.xen.sched.SchedulerKind;

/**
 * The scheduler's figures, through real domains of the {@code sched} guest on their own host
 * (not JMH: each figure is a scenario of several domains, repeated and summarised by medians).
 * CPU shares are the scheduler's own accounting (worker-thread CPU time), so they hold on a
 * machine shared with other work; wall-clock figures are printed beside them with the load
 * average.
 *
 * <ul>
 * <li>fairness: two CPU-bound domains, weights 256 and 512, on one pCPU: the heavy one's CPU
 * over the light one's (goal: within 5% of 2).
 * <li>preemption: how much CPU guest code spins on after a preemption request, and the wall
 * time until the worker has it back (median, p99).
 * <li>isolation: a victim's fixed workload alone, then beside a CPU hog, on two pCPUs (its fair
 * share is one pCPU, as alone): the victim's slowdown.
 * <li>scale: the same total work done by one domain and by 128 domains at once on one pCPU:
 * aggregate throughput (rounds per CPU-second given, and per wall second).
 * <li>steady scale: 128 spinning domains all running at once on one pCPU against one domain
 * alone, boot excluded: the iterations the guests themselves counted (each guest's loop counter,
 * read from its memory) over a window once all of them run, per CPU-second given and per wall
 * second.
 * <li>wake-up: a domain waking from SCHEDOP_block on a 2 ms timer while a hog holds the one
 * pCPU: how late the guest saw each wake-up.
 * </ul>
 *
 * Run: {@code java <graal flags> -cp perf/target/classes:perf/target/lib/* dev.trufflexen.perf.SchedulerFigures [runs [scenarios]]}
 * (scenarios: a comma-separated subset of fairness,isolation,scale,steady,wake).
 */
public final class SchedulerFigures {
    private static final long GUEST_MEMORY_MIB = 8;
    private static final int SCALE_DOMAINS = 128;
    private static final int SCALE_TOTAL_ROUNDS = 128 * 40;
    private static final int SCALE_WARMUP_ROUNDS = 300;
    private static final int SCALE_WARMUPS = 6;
    /** Time for domains to boot and their loop to run compiled before a steady-state window opens. */
    private static final long STEADY_SETTLE_MS = 3000;
    private static final long STEADY_WINDOW_MS = 6000;
    /** Lone windows agree when their rates differ by at most this much. */
    private static final int STEADY_AGREE_PERCENT = 5;
    private static final int STEADY_MAX_LONE_WINDOWS = 6;
    /** Windows of many domains, each followed by a lone one. */
    private static final int STEADY_ROUNDS = 3;

    private SchedulerFigures() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Double> ratios = new ArrayList<>();
        List<Double> slowdowns = new ArrayList<>();
        List<Double> cpuSlowdowns = new ArrayList<>();
        List<Double> scaleCpu = new ArrayList<>();
        List<Double> scaleWall = new ArrayList<>();
        List<Double> steadyCpu = new ArrayList<>();
        List<Double> steadyWall = new ArrayList<>();
        String only = args.length > 1 ? args[1] : "fairness,isolation,scale,steady,wake";
        for (int run = 1; run <= runs; run++) {
            System.out.printf("# run %d of %d, load average %s%n", run, runs, loadAverage());
            if (only.contains("fairness")) {
                ratios.add(fairness());
            }
            if (only.contains("isolation")) {
                double[] isolation = isolation();
                slowdowns.add(isolation[0]);
                cpuSlowdowns.add(isolation[1]);
            }
            if (only.contains("scale")) {
                double[] scale = scale();
                scaleCpu.add(scale[0]);
                scaleWall.add(scale[1]);
            }
            if (only.contains("steady")) {
                double[] steady = steadyScale();
                steadyCpu.add(steady[0]);
                steadyWall.add(steady[1]);
            }
            if (only.contains("wake")) {
                wakeUp();
            }
        }
        System.out.printf("fairness: weight 512 / weight 256 CPU, median %.3f (goal 2 +- 5%%), runs %s%n", median(ratios), ratios);
        System.out.printf("isolation: victim wall-time slowdown beside a hog on 2 pCPUs, median %.3f, runs %s;"
                + " CPU-time slowdown median %.3f%n", median(slowdowns), slowdowns, median(cpuSlowdowns));
        System.out.printf("scale: %d domains against one, aggregate throughput per CPU-second given, median %.3f,"
                + " runs %s; per wall second median %.3f, runs %s%n", SCALE_DOMAINS, median(scaleCpu), scaleCpu,
                median(scaleWall), scaleWall);
        System.out.printf("steady scale: %d running domains against one, guest-counted iterations per CPU-second given,"
                + " median %.3f, runs %s; per wall second median %.3f, runs %s; load average %s%n", SCALE_DOMAINS,
                median(steadyCpu), steadyCpu, median(steadyWall), steadyWall, loadAverage());
    }

    private static XenHypervisor host(int pcpus, long machineMiB) {
        return XenHypervisor.create(new XenHypervisor.Options(false, false, null, machineMiB,
                new SchedulerConfig(pcpus, SchedulerKind.CREDIT)));
    }

    private static Domain domain(XenHypervisor xen, String cmdline) {
        return xen.createDomain(new DomainSpec("sched", GuestImageFiles.kernel("sched"), Optional.empty(),
                GUEST_MEMORY_MIB, 1, cmdline + " sink=hv", ShutdownAction.DESTROY, ShutdownAction.DESTROY,
                ShutdownAction.DESTROY));
    }

    private static CompletableFuture<ShutdownReason> start(Domain domain) {
        return CompletableFuture.supplyAsync(domain::run);
    }

    private static long cpu(HostScheduler scheduler, Domain domain) {
        return scheduler.stats(domain.vcpu0()).cpuTimeNs();
    }

    private static double fairness() throws Exception {
        try (XenHypervisor xen = host(1, 64)) {
            HostScheduler scheduler = xen.scheduler();
            Domain light = domain(xen, "mode=spin");
            Domain heavy = domain(xen, "mode=spin");
            heavy.setSchedulingParameters(heavy.schedulingParameters().withCredit(512, 0));
            CompletableFuture<ShutdownReason> a = start(light);
            CompletableFuture<ShutdownReason> b = start(heavy);
            Thread.sleep(3000);
            long lightBefore = cpu(scheduler, light);
            long heavyBefore = cpu(scheduler, heavy);
            Thread.sleep(6000);
            long lightUsed = cpu(scheduler, light) - lightBefore;
            long heavyUsed = cpu(scheduler, heavy) - heavyBefore;
            light.destroy();
            heavy.destroy();
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
            double ratio = (double) heavyUsed / lightUsed;
            System.out.printf("fairness: %d ms against %d ms of CPU in 6 s: ratio %.3f%n", heavyUsed / 1_000_000,
                    lightUsed / 1_000_000, ratio);
            System.out.printf("preemption: guest code ran on %s (CPU ns) after a request; the worker was back after %s (wall ns)%n",
                    scheduler.preemptionCpuDelays(), scheduler.preemptionDelays());
            return ratio;
        }
    }

    /** {wall slowdown, CPU-time slowdown} of the victim's workload beside a hog. */
    private static double[] isolation() throws Exception {
        try (XenHypervisor xen = host(2, 64)) {
            HostScheduler scheduler = xen.scheduler();
            timed(xen, () -> domain(xen, "mode=work rounds=300"));
            long[] alone = timed(xen, () -> domain(xen, "mode=work rounds=150"));
            Domain hog = domain(xen, "mode=spin");
            CompletableFuture<ShutdownReason> hogRun = start(hog);
            Thread.sleep(1000);
            long[] beside = timed(xen, () -> domain(xen, "mode=work rounds=150"));
            hog.destroy();
            hogRun.get(60, TimeUnit.SECONDS);
            double wall = (double) beside[0] / alone[0];
            double cpu = (double) beside[1] / alone[1];
            System.out.printf("isolation: victim alone %d ms wall / %d ms CPU, beside a hog %d ms / %d ms; hog got %d ms;"
                    + " a thread waited for the scheduler's lock %d times%n", alone[0] / 1_000_000, alone[1] / 1_000_000,
                    beside[0] / 1_000_000, beside[1] / 1_000_000, cpu(scheduler, hog) / 1_000_000, scheduler.lockWaits());
            return new double[] {wall, cpu};
        }
    }

    /** Runs a domain to completion: {wall ns, CPU ns given}. */
    private static long[] timed(XenHypervisor xen, Supplier<Domain> create) throws Exception {
        Domain domain = create.get();
        long start = System.nanoTime();
        ShutdownReason reason = start(domain).get(600, TimeUnit.SECONDS);
        long wall = System.nanoTime() - start;
        require(reason == ShutdownReason.POWEROFF, "victim stopped with " + reason + "\n"
                + String.join("\n", xen.console().lines()));
        return new long[] {wall, cpu(xen.scheduler(), domain)};
    }

    /**
     * {CPU-time throughput ratio, wall throughput ratio} of 128 domains against one, once the
     * workload runs compiled: {@value #SCALE_WARMUPS} single domains of {@value #SCALE_WARMUP_ROUNDS}
     * rounds warm the host (the compiler may lag far behind on a loaded machine), then one domain
     * does all the rounds, then 128 domains share them, twice: the
     * second time is measured.
     */
    private static double[] scale() throws Exception {
        try (XenHypervisor xen = host(1, SCALE_DOMAINS * GUEST_MEMORY_MIB + 64)) {
            for (int i = 0; i < SCALE_WARMUPS; i++) {
                double rate = throughput(xen, 1, SCALE_WARMUP_ROUNDS)[0];
                System.out.printf("scale: warm-up domain %d: %.0f rounds per CPU-second%n", i + 1, rate);
            }
            double[] one = throughput(xen, 1, SCALE_TOTAL_ROUNDS);
            // Preempted vCPUs resume at RIPs inside the loop: regions of their own, compiled once
            // the first 128 have run (they are shared by every domain).
            double[] first = throughput(xen, SCALE_DOMAINS, SCALE_TOTAL_ROUNDS / SCALE_DOMAINS);
            System.out.printf("scale: the first %d domains %.0f rounds per CPU-second, %.0f per wall second%n", SCALE_DOMAINS,
                    first[0], first[1]);
            long builtBefore = xen.codeCache().regionsBuilt();
            long reusedBefore = xen.codeCache().sharingStats().sharedReused();
            double[] many = throughput(xen, SCALE_DOMAINS, SCALE_TOTAL_ROUNDS / SCALE_DOMAINS);
            long built = xen.codeCache().regionsBuilt() - builtBefore;
            long reused = xen.codeCache().sharingStats().sharedReused() - reusedBefore;
            System.out.printf("scale: one domain %.0f rounds per CPU-second, %.0f per wall second; %d domains %.0f and %.0f,"
                    + " building %d regions and reusing %d shared ones%n", one[0], one[1], SCALE_DOMAINS, many[0], many[1],
                    built, reused);
            return new double[] {many[0] / one[0], many[1] / one[1]};
        }
    }

    /**
     * {CPU-time throughput ratio, wall throughput ratio} of {@value #SCALE_DOMAINS} spinning
     * domains against one, in steady state. The lone domain's rate depends on which compiled code
     * its spin loop runs: on a fresh host the loop runs its OSR compilation, which the first many
     * domains deoptimize before the whole region is compiled (measured: 8.2e8 iterations per
     * CPU-second before, 1.5e9 after). So a first window of {@value #SCALE_DOMAINS} domains warms
     * the code unmeasured, and lone windows repeat until two in a row agree within
     * {@value #STEADY_AGREE_PERCENT}%; then
     * {@value #STEADY_ROUNDS} windows of {@value #SCALE_DOMAINS} alternate with lone ones, each
     * compared with the mean of the lone windows on either side, and the figure is the median of
     * those ratios. The compilations the engine finished, deoptimized or invalidated during each
     * window are printed beside its rate, so a rate that moves shows whether its code changed.
     */
    private static double[] steadyScale() throws Exception {
        GuestCounter spins = GuestCounter.named(GuestImageFiles.kernel("sched"), "spins");
        CompilationEvents compilations = new CompilationEvents();
        try (XenHypervisor xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null,
                SCALE_DOMAINS * GUEST_MEMORY_MIB + 64, new SchedulerConfig(1, SchedulerKind.CREDIT)),
                java.util.Map.of("engine.TraceCompilation", "true"), compilations)) {
            HostSpeed.sample();
            HostSpeed.sample();
            // Until many domains have run it, the lone domain spins in the loop's OSR compilation, which those
            // domains deoptimize (once each) before the whole region is compiled: a different, faster loop.
            System.out.println("steady scale: warm-up, not measured");
            steadyWindow(xen, spins, SCALE_DOMAINS, compilations);
            double[] lone = steadyWindow(xen, spins, 1, compilations);
            for (int i = 1; i < STEADY_MAX_LONE_WINDOWS; i++) {
                double[] next = steadyWindow(xen, spins, 1, compilations);
                boolean agree = Math.abs(next[0] - lone[0]) <= lone[0] * STEADY_AGREE_PERCENT / 100.0;
                lone = next;
                if (agree) {
                    break;
                }
            }
            List<Double> cpuRatios = new ArrayList<>();
            List<Double> wallRatios = new ArrayList<>();
            List<Double> hostRatios = new ArrayList<>();
            for (int round = 0; round < STEADY_ROUNDS; round++) {
                double[] many = steadyWindow(xen, spins, SCALE_DOMAINS, compilations);
                double[] after = steadyWindow(xen, spins, 1, compilations);
                cpuRatios.add(many[0] / ((lone[0] + after[0]) / 2));
                wallRatios.add(many[1] / ((lone[1] + after[1]) / 2));
                hostRatios.add((many[0] / many[2]) / ((lone[0] / lone[2] + after[0] / after[2]) / 2));
                lone = after;
            }
            System.out.printf("steady scale: %d domains against the lone windows either side, per CPU-second %s,"
                    + " per wall second %s, per CPU-second over the host reference %s (load average %s)%n", SCALE_DOMAINS,
                    cpuRatios, wallRatios, hostRatios, loadAverage());
            return new double[] {median(cpuRatios), median(wallRatios)};
        }
    }

    /**
     * {iterations per CPU-second given, per wall second} of {@code count} spinning domains over
     * {@value #STEADY_WINDOW_MS} ms, the window opening once every one of them is spinning: the
     * guests' own loop counters, summed, boot and shutdown outside the window.
     */
    private static double[] steadyWindow(XenHypervisor xen, GuestCounter spins, int count, CompilationEvents compilations)
            throws Exception {
        CompilationEvents.Counts bootBefore = compilations.counts();
        List<Domain> domains = new ArrayList<>();
        List<CompletableFuture<ShutdownReason>> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Domain domain = domain(xen, "mode=spin");
            domains.add(domain);
            runs.add(CompletableFuture.supplyAsync(domain::run, runnable -> Thread.ofVirtual().start(runnable)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (!allSpinning(xen, domains)) {
            require(System.nanoTime() < deadline, "not every domain started spinning");
            Thread.sleep(100);
        }
        Thread.sleep(STEADY_SETTLE_MS);
        CompilationEvents.Counts compiledBefore = compilations.counts();
        double hostBefore = HostSpeed.sample();
        long[] spinsBefore = new long[count];
        long[] cpuBefore = new long[count];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            spinsBefore[i] = spins.read(domains.get(i).vcpu0().cpu());
            cpuBefore[i] = cpu(xen.scheduler(), domains.get(i));
        }
        Thread.sleep(STEADY_WINDOW_MS);
        long iterations = 0;
        long cpu = 0;
        for (int i = 0; i < count; i++) {
            iterations += spins.read(domains.get(i).vcpu0().cpu()) - spinsBefore[i];
            cpu += cpu(xen.scheduler(), domains.get(i)) - cpuBefore[i];
        }
        long wall = System.nanoTime() - start;
        double hostSpeed = (hostBefore + HostSpeed.sample()) / 2;
        double[] rates = {iterations / (cpu / 1e9), iterations / (wall / 1e9), hostSpeed};
        System.out.printf("steady window: %d domain(s) %.4g iterations per CPU-second, %.4g per wall second; host reference"
                + " %.4g steps per CPU-second; the engine, booting and settling: %s; during the window: %s; load %s%n", count,
                rates[0], rates[1], hostSpeed, compiledBefore.since(bootBefore), compilations.counts().since(compiledBefore),
                loadAverage());
        for (Domain domain : domains) {
            domain.destroy();
        }
        for (CompletableFuture<ShutdownReason> run : runs) {
            run.get(600, TimeUnit.SECONDS);
        }
        for (Domain domain : domains) {
            domain.release();
        }
        return rates;
    }

    private static boolean allSpinning(XenHypervisor xen, List<Domain> domains) {
        java.util.Set<String> lines = new java.util.HashSet<>(xen.console().lines());
        for (Domain domain : domains) {
            if (!lines.contains("(d" + domain.id() + ") sched: spinning")) {
                return false;
            }
        }
        return true;
    }

    /** {rounds per CPU-second given, rounds per wall second} of {@code domains} domains at once. */
    private static double[] throughput(XenHypervisor xen, int domains, int roundsEach) throws Exception {
        List<Domain> created = new ArrayList<>();
        for (int i = 0; i < domains; i++) {
            created.add(domain(xen, "mode=work rounds=" + roundsEach));
        }
        long start = System.nanoTime();
        List<CompletableFuture<ShutdownReason>> runs = new ArrayList<>();
        for (Domain domain : created) {
            runs.add(CompletableFuture.supplyAsync(domain::run, runnable -> Thread.ofVirtual().start(runnable)));
        }
        for (CompletableFuture<ShutdownReason> run : runs) {
            require(run.get(1200, TimeUnit.SECONDS) == ShutdownReason.POWEROFF, "a worker domain did not power off");
        }
        long wall = System.nanoTime() - start;
        long cpu = 0;
        for (Domain domain : created) {
            cpu += cpu(xen.scheduler(), domain);
            domain.release();
        }
        double rounds = (double) domains * roundsEach;
        return new double[] {rounds / (cpu / 1e9), rounds / (wall / 1e9)};
    }

    private static void wakeUp() throws Exception {
        try (XenHypervisor xen = host(1, 64)) {
            Domain hog = domain(xen, "mode=spin");
            CompletableFuture<ShutdownReason> hogRun = start(hog);
            Thread.sleep(1000);
            Domain waker = domain(xen, "mode=wake count=100 period=2000");
            require(start(waker).get(600, TimeUnit.SECONDS) == ShutdownReason.POWEROFF, "the waker did not power off");
            hog.destroy();
            hogRun.get(60, TimeUnit.SECONDS);
            String prefix = "(d" + waker.id() + ") # wake_lateness_";
            List<String> lateness = xen.console().lines().stream().filter(l -> l.startsWith(prefix))
                    .map(l -> l.substring(prefix.length())).toList();
            System.out.printf("wake-up: guest-seen lateness %s; scheduler: woken to running %s, %d of 100 took the hog's"
                    + " pCPU at once%n", lateness, xen.scheduler().wakeLatencies(), xen.scheduler().wakePreemptions());
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
