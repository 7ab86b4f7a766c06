package dev.trufflexen.perf;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.Runstate;
import dev.trufflexen.xen.domain.ShutdownAction;

/**
 * What a domain costs the host, measured in one JVM (run it with {@code bin/footprint}; one
 * measurement per JVM, so the figures are not mixed with another's):
 *
 * <ul>
 *   <li>{@code create MIB [GUEST]}: a hypervisor sized for one domain of {@code MIB} MiB of the
 *       guest (hello by default), the time to build the domain, the time it then runs until it
 *       powers off, and the host memory (resident set) after each;</li>
 *   <li>{@code idle N [MIB]}: {@code N} domains of the events guest in {@code bench=sleep}
 *       (blocked forever) in one hypervisor, each built and run until it blocks on its own thread:
 *       the time of the first and the second (same kernel, warm code) and the median of the rest,
 *       host memory, machine memory and Java heap per idle domain (growth divided by {@code N}),
 *       and the host CPU the process uses over a 10 s window while they all sleep (opened 20 s
 *       after the last boot, so the compiler has finished); then every domain is destroyed
 *       and the pool is checked whole.</li>
 * </ul>
 * Lines are {@code key=value} for scripts.
 */
public final class HostFootprint {
    private static final long MACHINE_OVERHEAD_MIB = 64;
    private static final long IDLE_WINDOW_MS = 10_000;
    /** Time given to the compiler to finish the boots' compilations before the idle window opens. */
    private static final long SETTLE_MS = 20_000;

    private HostFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("create")) {
            create(Long.parseLong(args[1]), args.length > 2 ? args[2] : "hello");
        } else if (args.length >= 2 && args[0].equals("idle")) {
            idle(Integer.parseInt(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 32);
        } else {
            System.err.println("usage: HostFootprint create MIB [GUEST] | idle N [MIB]");
            System.exit(64);
        }
    }

    private static void create(long memoryMiB, String guest) throws IOException {
        long rssStart = residentKiB("VmRSS");
        try (XenHypervisor xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null,
                memoryMiB + MACHINE_OVERHEAD_MIB))) {
            long rssHypervisor = residentKiB("VmRSS");
            long t0 = System.nanoTime();
            Domain domain = xen.createDomain(spec(guest, guest, memoryMiB, ""));
            long built = System.nanoTime() - t0;
            long rssBuilt = residentKiB("VmRSS");
            long machineBuilt = residentMachineKiB(xen);
            t0 = System.nanoTime();
            String reason = domain.run().name().toLowerCase();
            long ran = System.nanoTime() - t0;
            long rssRan = residentKiB("VmRSS");
            long machineRan = residentMachineKiB(xen);
            long heapCommitted = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
            long heapLive = heapUsedAfterGc();
            domain.release();
            System.out.printf("guest=%s memory_mib=%d build_ms=%d run_ms=%d stop=%s rss_start_mib=%d "
                    + "rss_hypervisor_mib=%d rss_built_mib=%d rss_after_run_mib=%d rss_peak_mib=%d "
                    + "machine_resident_built_kib=%d machine_resident_after_run_kib=%d heap_committed_mib=%d "
                    + "heap_live_mib=%d machine_resident_after_release_kib=%d%n", guest, memoryMiB,
                    built / 1_000_000, ran / 1_000_000, reason, rssStart >> 10, rssHypervisor >> 10, rssBuilt >> 10,
                    rssRan >> 10, residentKiB("VmHWM") >> 10, machineBuilt, machineRan, heapCommitted >> 20,
                    heapLive >> 20, residentMachineKiB(xen));
        }
    }

    private static void idle(int count, long memoryMiB) throws Exception {
        long machineMiB = count * (memoryMiB + 1) + MACHINE_OVERHEAD_MIB;
        try (XenHypervisor xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, machineMiB))) {
            long freeAtStart = xen.framePool().freeFrames();
            long rssStart = residentKiB("VmRSS");
            long heapStart = heapUsedAfterGc();
            long machineStart = residentMachineMiB(xen);
            long[] bootNanos = new long[count];
            List<Domain> domains = new ArrayList<>();
            List<Thread> vcpus = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                Domain domain = xen.createDomain(spec("events", "idle" + i, memoryMiB, "bench=sleep"));
                Thread vcpu = new Thread(domain::run, "idle-d" + domain.id());
                vcpu.setDaemon(true);
                vcpu.start();
                vcpus.add(vcpu);
                awaitBlocked(domain);
                bootNanos[i] = System.nanoTime() - t0;
                domains.add(domain);
            }
            Thread.sleep(SETTLE_MS);
            long rssIdle = residentKiB("VmRSS");
            long machineIdle = residentMachineMiB(xen);
            long heapIdle = heapUsedAfterGc();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            ThreadCpu threads = new ThreadCpu();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            Thread.sleep(IDLE_WINDOW_MS);
            long cpu = os.getProcessCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            String busiest = threads.busiestSince(4);
            long[] rest = count > 2 ? Arrays.copyOfRange(bootNanos, 2, count) : new long[] {0};
            Arrays.sort(rest);
            System.out.printf("domains=%d memory_mib=%d machine_mib=%d first_boot_ms=%d second_boot_ms=%d "
                    + "median_rest_boot_ms=%d rss_start_mib=%d rss_idle_mib=%d rss_per_domain_kib=%d "
                    + "heap_per_domain_kib=%d machine_resident_mib=%d machine_per_domain_kib=%d idle_cpu_ms=%d "
                    + "idle_window_ms=%d idle_cpu_percent=%.2f busiest_threads=%s%n",
                    count, memoryMiB, machineMiB, bootNanos[0] / 1_000_000,
                    count > 1 ? bootNanos[1] / 1_000_000 : 0, rest[rest.length / 2] / 1_000_000, rssStart >> 10,
                    rssIdle >> 10, (rssIdle - rssStart) / count, (heapIdle - heapStart) / 1024 / count, machineIdle,
                    ((machineIdle - machineStart) << 10) / count, cpu / 1_000_000, wall / 1_000_000, 100.0 * cpu / wall,
                    busiest);
            for (Domain domain : domains) {
                domain.destroy();
            }
            for (int i = 0; i < count; i++) {
                vcpus.get(i).join();
                domains.get(i).release();
            }
            System.out.printf("destroyed=%d frames_back=%b leaked_frames=%d rss_after_destroy_mib=%d "
                    + "machine_resident_after_destroy_mib=%d%n", count, xen.framePool().freeFrames() == freeAtStart,
                    xen.guestFrames().leakedFrames(), residentKiB("VmRSS") >> 10, residentMachineMiB(xen));
        }
    }

    private static DomainSpec spec(String guest, String name, long memoryMiB, String cmdline) {
        return new DomainSpec(name, GuestImageFiles.kernel(guest), Optional.empty(), memoryMiB, 1, cmdline,
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY);
    }

    /** Waits until the domain's vCPU blocks: in bench=sleep the guest blocks only once its boot is done. */
    private static void awaitBlocked(Domain domain) throws InterruptedException {
        while (domain.vcpu0().runstate().snapshot().state() != Runstate.BLOCKED) {
            if (domain.shutdownReason() != null) {
                throw new IllegalStateException("idle domain " + domain.id() + " stopped: " + domain.shutdownReason());
            }
            Thread.sleep(1);
        }
    }

    /** Machine memory that costs the host now (every frame stored to: guests', builder's, M2P's). */
    private static long residentMachineMiB(XenHypervisor xen) {
        return xen.memory().residentFrames(0, xen.memory().frameCount()) >> 8;
    }

    private static long residentMachineKiB(XenHypervisor xen) {
        return xen.memory().residentFrames(0, xen.memory().frameCount()) << 2;
    }

    /**
     * CPU time of every thread of this process, the JVM's own (garbage collector, compiler) with
     * the Java ones, from {@code /proc/self/task}: to name the threads that used CPU while every
     * domain slept.
     */
    private static final class ThreadCpu {
        private final java.util.Map<String, Long> start = ticksByThread();

        /** The {@code n} threads that used most CPU since construction, as name:ms pairs. */
        String busiestSince(int n) throws IOException {
            List<java.util.Map.Entry<String, Long>> used = new ArrayList<>();
            for (var entry : ticksByThread().entrySet()) {
                used.add(java.util.Map.entry(entry.getKey(), entry.getValue() - start.getOrDefault(entry.getKey(), 0L)));
            }
            used.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
            List<String> top = new ArrayList<>();
            for (var entry : used.subList(0, Math.min(n, used.size()))) {
                top.add(entry.getKey().replace(' ', '_') + ":" + entry.getValue() * 10);
            }
            return String.join(",", top);
        }

        /** utime + stime in clock ticks (10 ms) per thread, keyed by "name/tid". */
        private static java.util.Map<String, Long> ticksByThread() {
            java.util.Map<String, Long> ticks = new java.util.HashMap<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        int open = stat.indexOf('(');
                        int close = stat.lastIndexOf(')');
                        String[] fields = stat.substring(close + 2).split(" ");
                        ticks.put(stat.substring(open + 1, close) + "/" + task.getFileName(),
                                Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                // no /proc: no breakdown
            }
            return ticks;
        }
    }

    private static long heapUsedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A field of /proc/self/status in KiB (VmRSS: resident now; VmHWM: the peak). */
    private static long residentKiB(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
