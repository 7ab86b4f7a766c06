package dev.trufflexen.perf;

import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.sched.SchedulerConfig;
import dev.trufflexen.xen.sched.SchedulerKind;

/**
 * Nanoseconds per event-channel round trip between two domains of one hypervisor, both run by
 * the host's scheduler: the events guest's ping-pong ({@code pingpong=a|b batch=N}). A sends on
 * the interdomain channel, B's vCPU wakes (or, spinning, notices at an instruction boundary),
 * takes the upcall, sends back, and A takes its upcall: two sends, two wake-ups, two upcalls and
 * two irets per operation. Each benchmark invocation unpauses A for one batch of
 * {@link #ROUND_TRIPS} (A yields after each with how many came back one for one, and is paused
 * there); B answers forever. Before the first measured iteration the set-up runs batches until the
 * Truffle compiler threads have been quiet for five batches: on a 2-core machine the compile queue
 * the two boots leave takes tens of seconds of a core, and a round trip measured meanwhile shares
 * its core with the compiler (52-68 us per round trip then, against 12-16 us after). {@code wait=block} waits in SCHEDOP_block (the vCPU is descheduled,
 * and a worker whose vCPU blocks right after its send switches to the woken peer on the same
 * thread), {@code wait=spin} spins in guest code. The goal is 2 µs or less.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterdomainRoundTripBenchmark {
    static final int ROUND_TRIPS = 2_000;
    private static final long MACHINE_MEMORY_MIB = 128;
    private static final long GUEST_MEMORY_MIB = 32;

    @Param({"block", "spin"})
    public String wait;

    private final ByteArrayOutputStream engineLog = new ByteArrayOutputStream();
    /** The engine log's events counted as its lines arrive. */
    private final CompilationEvents compilations = new CompilationEvents();
    /** Where the engine logs: the text kept whole, and its events counted. */
    private final java.io.OutputStream engineLogSink = new java.io.OutputStream() {
        @Override
        public void write(int b) {
            engineLog.write(b);
            compilations.write(b);
        }
    };
    private XenHypervisor xen;
    private Domain leader;
    private Domain answerer;
    private Thread answererThread;
    private Thread leaderThread;
    private final Semaphore batchDone = new Semaphore(0);
    private volatile long batchResult;

    @Setup(Level.Trial)
    public void bootDomains() throws InterruptedException {
        // -Dtrufflexen.pcpus=N: the round trip on N workers (default: one per host core).
        SchedulerConfig scheduling = new SchedulerConfig(Integer.getInteger("trufflexen.pcpus",
                SchedulerConfig.defaults().pcpus()), SchedulerKind.CREDIT);
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, MACHINE_MEMORY_MIB, scheduling),
                GuestMachine.ENGINE_OPTIONS, engineLogSink);
        String waitOption = wait.equals("spin") ? " wait=spin" : "";
        // Domain ids count up from 1 in a fresh hypervisor: the leader is 1 and names the answerer, created next, as 2.
        leader = create("ping", "pingpong=a peer=2 batch=" + ROUND_TRIPS + waitOption);
        X86Cpu cpu = leader.vcpu0().cpu();
        // At each batch's yield the leader is paused until the next invocation unpauses it.
        leader.onYield(() -> {
            batchResult = cpu.reg(X86Reg.RSI);
            leader.vcpu0().pause();
            batchDone.release();
        });
        leaderThread = new Thread(leader::run, "ping-domain");
        leaderThread.setDaemon(true);
        leaderThread.start();
        answererThread = new Thread(() -> {
            long port = awaitPort();
            answerer = create("pong", "pingpong=b peer=1 port=" + port + " batch=" + ROUND_TRIPS + waitOption);
            answerer.run();
        }, "pong-domain");
        answererThread.setDaemon(true);
        answererThread.start();
        awaitBatch();
        settle();
    }

    /** Runs batches until the compiler threads used under 1% of a batch's wall time five batches in a row (at most 5 minutes). */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        int quiet = 0;
        while (quiet < 5 && System.nanoTime() < deadline) {
            long compiling = ThreadCpu.compiler();
            long start = System.nanoTime();
            roundTrips();
            long wall = System.nanoTime() - start;
            quiet = (ThreadCpu.compiler() - compiling) * 100 < wall ? quiet + 1 : 0;
        }
    }

    private Domain create(String name, String cmdline) {
        return xen.createDomain(new DomainSpec(name, GuestImageFiles.kernel("events"), Optional.empty(), GUEST_MEMORY_MIB, 1,
                cmdline, ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    /** The leader's console line "# pingpong_port=0x..." once it has printed it. */
    private long awaitPort() {
        String key = "# pingpong_port=";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : xen.console().lines()) {
                int at = line.indexOf(key);
                if (line.startsWith("(d1) ") && at >= 0) {
                    return Long.decode(line.substring(at + key.length()).strip());
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        throw new IllegalStateException("the leader never printed its port");
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long roundTrips() throws InterruptedException {
        batchResult = -1;
        leader.vcpu0().unpause();
        return awaitBatch();
    }

    /** Waits for the leader's batch to end; its count of round trips that came back one for one. */
    private long awaitBatch() throws InterruptedException {
        if (!batchDone.tryAcquire(60, TimeUnit.SECONDS) || batchResult != ROUND_TRIPS) {
            throw new IllegalStateException("the leader's batch ended with " + batchResult + " of " + ROUND_TRIPS
                    + " round trips\n" + String.join("\n", xen.console().lines()));
        }
        return batchResult;
    }

    /** The engine's compilation log so far. */
    String engineLog() {
        return engineLog.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The compiled units deoptimized so far, from the engine log. */
    long deoptimizations() {
        return compilations.counts().deoptimized();
    }

    XenHypervisor hypervisor() {
        return xen;
    }

    /** How many idle workers the scheduler has woken, and how many vCPUs it switched to on the waker's own worker. */
    String schedulerCounters() {
        return xen.scheduler().workerWakeups() + " idle workers woken, " + xen.scheduler().directSwitches()
                + " vCPUs switched to on the waker's worker";
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        try {
            CompilationLog log = new CompilationLog(engineLog.toString(java.nio.charset.StandardCharsets.UTF_8));
            System.out.println();
            System.out.println("# ping-pong domains: " + log.summary());
            System.out.println("# scheduler: " + schedulerCounters());
            log.requireCompiledRegions("ping-pong domains");
        } finally {
            leader.destroy();
            if (answerer != null) {
                answerer.destroy();
            }
            answererThread.join(TimeUnit.SECONDS.toMillis(10));
            leaderThread.join(TimeUnit.SECONDS.toMillis(10));
            xen.close();
        }
    }
}
