package dev.trufflexen.launcher.host;

import dev.trufflexen.dom0.console.ConsoleBackend;
import dev.trufflexen.launcher.config.DomainConfig;
import dev.trufflexen.launcher.config.LifecycleAction;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Runstate;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.memop.MemoryOpHypercall;

/**
 * One domain as the toolstack holds it: its configuration, the core's {@link Domain}, its
 * console, the thread that runs it, and where it is in its life cycle. A restart makes a new
 * {@code HostedDomain} (a new id) from the same configuration, as xl does.
 */
public final class HostedDomain {
    /** Where a domain is in its life: running (or paused), stopped and preserved, or released. */
    public enum Life { RUNNING, PRESERVED, RELEASED }

    private final DomainConfig config;
    private final Domain domain;
    private final ConsoleBackend backend;
    private final ConsoleFanout console;
    private final long createdNanos;
    private volatile String name;
    private volatile Life life = Life.RUNNING;
    private volatile boolean destroyRequested;
    private volatile long cpuNanosAtStop = -1;
    private volatile long firstRunNanos;
    /** CPU time the host spent building and launching the domain (the creating thread's). */
    private volatile long createCpuNanos = -1;
    private volatile long stoppedNanos;
    private Thread runner;
    private volatile long targetKiB;
    private volatile long staticMaxKiB;

    HostedDomain(DomainConfig config, Domain domain, ConsoleBackend backend, ConsoleFanout console, long createdNanos) {
        this.config = config;
        this.domain = domain;
        this.backend = backend;
        this.console = console;
        this.createdNanos = createdNanos;
        this.name = config.name();
        this.targetKiB = config.memoryMiB() << 10;
        this.staticMaxKiB = config.maxmemMiB().orElse(config.memoryMiB()) << 10;
    }

    /** The memory target (xl mem-set; memory/target in xenstore), in KiB. */
    public long targetKiB() {
        return targetKiB;
    }

    void setTargetKiB(long kib) {
        this.targetKiB = kib;
    }

    /** The most memory the domain may be given (xl mem-max; maxmem), in KiB. */
    public long staticMaxKiB() {
        return staticMaxKiB;
    }

    void setStaticMaxKiB(long kib) {
        this.staticMaxKiB = kib;
    }

    public int id() {
        return domain.id();
    }

    public String name() {
        return name;
    }

    void rename(String newName) {
        this.name = newName;
    }

    public DomainConfig config() {
        return config;
    }

    /** The core's domain. */
    public Domain domain() {
        return domain;
    }

    public Life life() {
        return life;
    }

    ConsoleBackend backend() {
        return backend;
    }

    ConsoleFanout console() {
        return console;
    }

    /** Starts the domain's vCPU on its own thread; {@code stopped} runs there when it stops. */
    void start(java.util.function.BiConsumer<HostedDomain, ShutdownReason> stopped) {
        runner = new Thread(() -> {
            firstRunNanos = System.nanoTime();
            ShutdownReason reason = domain.run();
            cpuNanosAtStop = runningNanos();
            stoppedNanos = System.nanoTime();
            stopped.accept(this, reason);
        }, "domain-" + domain.id());
        runner.setDaemon(true);
        runner.start();
    }

    /** Nanoseconds from the create request to the vCPU thread entering guest code. */
    public long startLatencyNanos() {
        long first = firstRunNanos;
        return first == 0 ? -1 : first - createdNanos;
    }

    /**
     * CPU nanoseconds the create took on the thread that built and launched the domain: what the
     * start latency costs apart from waiting for a CPU on a loaded machine.
     */
    public long createCpuNanos() {
        return createCpuNanos;
    }

    void noteCreateCpu(long nanos) {
        createCpuNanos = nanos;
    }

    /** Nanoseconds from the create request to the guest's first console output, or -1 before it. */
    public long firstOutputLatencyNanos() {
        long first = console.firstOutputNanos();
        return first == 0 ? -1 : first - createdNanos;
    }

    /** Nanoseconds from the create request to the domain stopping, or -1 while it runs. */
    public long lifetimeNanos() {
        long stopped = stoppedNanos;
        return stopped == 0 ? -1 : stopped - createdNanos;
    }

    void requestDestroy() {
        destroyRequested = true;
        domain.destroy();
    }

    boolean destroyRequested() {
        return destroyRequested;
    }

    void preserve() {
        life = Life.PRESERVED;
    }

    void released() {
        life = Life.RELEASED;
    }

    /** Waits for the vCPU thread to end (at most {@code millis}); true when it has. */
    boolean awaitStopped(long millis) throws InterruptedException {
        Thread thread = runner;
        if (thread == null || thread == Thread.currentThread()) {
            return true;
        }
        thread.join(millis);
        return !thread.isAlive();
    }

    /** The xl.cfg action for a way of stopping; a suspended domain stays (xl leaves it for save). */
    LifecycleAction actionFor(ShutdownReason reason) {
        return switch (reason) {
            case POWEROFF -> config.onPoweroff();
            case REBOOT -> config.onReboot();
            case CRASH -> config.onCrash();
            case WATCHDOG -> config.onWatchdog();
            case SUSPEND, SOFT_RESET -> LifecycleAction.PRESERVE;
        };
    }

    /** CPU time the domain's vCPUs have spent running guest code, in nanoseconds. */
    public long cpuNanos() {
        long stopped = cpuNanosAtStop;
        return stopped >= 0 ? stopped : runningNanos();
    }

    private long runningNanos() {
        long total = 0;
        for (Vcpu vcpu : domain.vcpus()) {
            total += vcpu.runstate().snapshot().running();
        }
        return total;
    }

    /** The domain's memory now, in MiB (its pages, as xl list's Mem). */
    public long memoryMiB() {
        if (life == Life.RELEASED) {
            return 0;
        }
        return domain.part(MemoryOpHypercall.MEMORY).totPages() >> 8;
    }

    /** xl list's six state letters: running, blocked, paused, shutdown, crashed, dying. */
    public String stateLetters() {
        ShutdownReason reason = domain.shutdownReason();
        boolean shutdown = reason != null && life != Life.RUNNING;
        boolean dying = reason != null && life == Life.RUNNING;
        int runstate = domain.vcpu0().runstate().snapshot().state();
        boolean paused = domain.isPausedByController() && reason == null;
        boolean running = reason == null && !paused && runstate == Runstate.RUNNING;
        boolean blocked = reason == null && !paused && runstate == Runstate.BLOCKED;
        return new String(new char[] {
            running ? 'r' : '-', blocked ? 'b' : '-', paused ? 'p' : '-',
            shutdown ? 's' : '-', reason == ShutdownReason.CRASH ? 'c' : '-', dying ? 'd' : '-'});
    }
}
