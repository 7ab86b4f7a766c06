package dev.trufflexen.launcher.host;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.trufflexen.dom0.console.ConsoleBackend;
import dev.trufflexen.dom0.xenstore.Xenstored;
import dev.trufflexen.launcher.config.DomainConfig;
import dev.trufflexen.launcher.config.LifecycleAction;
import dev.trufflexen.launcher.config.Printable;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainBuildException;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.pv.PvCoreDump;
import dev.trufflexen.xen.sched.SchedulerConfig;
import dev.trufflexen.xen.sched.SchedulerKind;

/**
 * The long-lived TruffleXen host: one hypervisor (one Truffle engine, one code cache, one
 * frame pool) holding every domain, and the toolstack's side of their life cycle: ids, unique
 * names, consoles, and what happens when a domain stops (xl.cfg's on_poweroff, on_reboot,
 * on_crash, on_watchdog). See the package essay.
 */
public final class Host implements AutoCloseable {
    /**
     * @param paths the state directory
     * @param pcpus physical CPUs the scheduler may use (worker threads)
     * @param machineMemoryMiB machine memory shared by all domains
     * @param interpreterOnly run guest code without the Graal JIT
     * @param scheduler the vCPU scheduler (credit, or BVT)
     */
    public record Settings(HostPaths paths, int pcpus, long machineMemoryMiB, boolean interpreterOnly,
            SchedulerKind scheduler) {
        public Settings {
            if (pcpus < 1) {
                throw new IllegalArgumentException("pcpus must be at least 1, not " + pcpus);
            }
        }

        /** With the credit scheduler. */
        public Settings(HostPaths paths, int pcpus, long machineMemoryMiB, boolean interpreterOnly) {
            this(paths, pcpus, machineMemoryMiB, interpreterOnly, SchedulerKind.CREDIT);
        }
    }

    private static final DateTimeFormatter PRESERVED_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'");

    private final Settings settings;
    private final XenHypervisor xen;
    private final Xenstored xenstored;
    private final PrintStream hypervisorLog;
    private final HostCommands commands = new HostCommands();
    private final Map<Integer, HostedDomain> domains = new ConcurrentHashMap<>();
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private final long startedNanos = System.nanoTime();
    private final long startedMillis = System.currentTimeMillis();
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Host(Settings settings, PrintStream hypervisorLog) {
        this.settings = settings;
        this.hypervisorLog = hypervisorLog;
        this.xen = XenHypervisor.create(new XenHypervisor.Options(settings.interpreterOnly(), false, hypervisorLog,
                settings.machineMemoryMiB(), new SchedulerConfig(settings.pcpus(), settings.scheduler())));
        this.xenstored = Xenstored.start(xen.console());
        xen.console().log("host: " + settings.pcpus() + " physical CPUs for the scheduler, state in "
                + settings.paths().stateDirectory());
        DomainRequests.registerAll(commands);
    }

    /** Starts a host: its state directory, its hypervisor log, the hypervisor. No socket yet ({@link HostServer}). */
    public static Host start(Settings settings) throws IOException {
        settings.paths().create();
        OutputStream log = Files.newOutputStream(settings.paths().hypervisorLog(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return new Host(settings, new PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    }

    public Settings settings() {
        return settings;
    }

    public XenHypervisor xen() {
        return xen;
    }

    /** The host's xenstored, which holds every domain's nodes. */
    public Xenstored xenstored() {
        return xenstored;
    }

    /** The protocol's commands; other packages add theirs here. */
    public HostCommands commands() {
        return commands;
    }

    /** Nanoseconds since the host started. */
    public long uptimeNanos() {
        return System.nanoTime() - startedNanos;
    }

    /** When the host started (epoch milliseconds). */
    public long startedMillis() {
        return startedMillis;
    }

    /**
     * Every domain the host holds, running or preserved, in id order. Waits while a domain's
     * action is being applied, as {@link #find} does, so a restarting domain is never missing
     * from the list between its release and its new build.
     */
    public synchronized List<HostedDomain> domains() {
        return domains.values().stream().sorted(Comparator.comparingInt(HostedDomain::id)).toList();
    }

    /**
     * The domain called {@code nameOrId} (a name, or a decimal id as xl accepts). Waits while a
     * domain's action is being applied, so a restarting domain is found under its name.
     */
    public synchronized HostedDomain find(String nameOrId) throws HostError {
        for (HostedDomain domain : domains.values()) {
            if (domain.name().equals(nameOrId)) {
                return domain;
            }
        }
        if (nameOrId.matches("[0-9]{1,9}")) {
            HostedDomain domain = domains.get(Integer.parseInt(nameOrId));
            if (domain != null) {
                return domain;
            }
        }
        throw new HostError("domain '" + Printable.token(nameOrId) + "' does not exist");
    }

    /**
     * Builds a domain from {@code config} and starts it, or leaves it paused (xl create -p).
     * {@code requestNanos} is when the request arrived (System.nanoTime), for the domain's
     * start latencies.
     *
     * @throws HostError when the name is taken, or the builder refuses the domain (status 65)
     */
    public synchronized HostedDomain create(DomainConfig config, boolean paused, long requestNanos) throws HostError {
        return launch(config, config.name(), paused, requestNanos, false);
    }

    private HostedDomain launch(DomainConfig config, String name, boolean paused, long requestNanos, boolean restart)
            throws HostError {
        if (closing) {
            throw new HostError("the host is stopping");
        }
        for (HostedDomain other : domains.values()) {
            if (other.name().equals(name)) {
                throw new HostError("domain '" + name + "' already exists (id " + other.id() + ")");
            }
        }
        long cpuAtStart = THREADS.getCurrentThreadCpuTime();
        Domain domain;
        try {
            domain = xen.createDomain(spec(config));
        } catch (DomainBuildException e) {
            throw new HostError(65, e.getMessage());
        } catch (RuntimeException e) {
            throw new HostError(65, "cannot build domain '" + name + "': " + e.getMessage());
        }
        try {
            ToolstackStore.introduce(xenstored, config, domain);
        } catch (RuntimeException e) {
            domain.release();
            throw new HostError(65, "domain '" + name + "': " + e.getMessage());
        }
        ConsoleFanout console;
        try {
            OutputStream log = restart
                    ? Files.newOutputStream(settings.paths().consoleLog(name), StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND)
                    : Files.newOutputStream(settings.paths().consoleLog(name));
            console = new ConsoleFanout(log);
        } catch (IOException e) {
            domain.release();
            throw new HostError(74, "domain '" + name + "': cannot write its console log "
                    + settings.paths().consoleLog(name) + ": " + e.getMessage());
        }
        ConsoleBackend backend = ConsoleBackend.attach(domain, console);
        HostedDomain hosted = new HostedDomain(config, domain, backend, console, requestNanos);
        domains.put(domain.id(), hosted);
        if (paused) {
            domain.pauseByController();
        }
        hosted.start(this::stopped);
        hosted.noteCreateCpu(THREADS.getCurrentThreadCpuTime() - cpuAtStart);
        return hosted;
    }

    static DomainSpec spec(DomainConfig c) {
        return new DomainSpec(c.name(), c.kernel(), c.ramdisk(), c.memoryMiB(), c.vcpus(), c.cmdline(),
                ShutdownAction.valueOf(c.onPoweroff().name()), ShutdownAction.valueOf(c.onReboot().name()),
                ShutdownAction.valueOf(c.onCrash().name()));
    }

    /** On the domain's thread once it has stopped: xl.cfg's action for how it stopped. */
    private void stopped(HostedDomain hosted, ShutdownReason reason) {
        Domain domain = hosted.domain();
        if (domain.crashReport() != null) {
            hypervisorLog.flush();
        }
        if (closing) {
            release(hosted);
            return;
        }
        synchronized (this) {
            if (hosted.destroyRequested()) {
                release(hosted);
                return;
            }
            LifecycleAction action = hosted.actionFor(reason);
            xen.console().log("Domain " + hosted.id() + " (" + hosted.name() + ") stopped: "
                    + reason.name().toLowerCase(java.util.Locale.ROOT) + "; action: " + action.xlName());
            if (action == LifecycleAction.COREDUMP_DESTROY || action == LifecycleAction.COREDUMP_RESTART) {
                writeCoreAfterStop(hosted);
            }
            switch (action) {
                case DESTROY, COREDUMP_DESTROY -> release(hosted);
                case RESTART, COREDUMP_RESTART -> {
                    release(hosted);
                    relaunch(hosted.config(), hosted.config().name());
                }
                case PRESERVE, SOFT_RESET -> hosted.preserve();
                case RENAME_RESTART -> {
                    hosted.rename(preservedName(hosted.config().name()));
                    hosted.preserve();
                    relaunch(hosted.config(), hosted.config().name());
                }
            }
        }
    }

    /** xl's coredump-* actions: the core goes to dump/NAME in the state directory; a failure is logged and the action goes on. */
    private void writeCoreAfterStop(HostedDomain hosted) {
        Path file = settings.paths().coreFile(hosted.name());
        xen.console().log("dumping core of domain " + hosted.id() + " (" + hosted.name() + ") to " + file);
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            PvCoreDump.write(hosted.domain(), file);
        } catch (java.io.IOException | RuntimeException e) {
            xen.console().log("core dump of domain " + hosted.id() + " failed: " + e.getMessage());
        }
    }

    /**
     * xl dump-core: writes the domain's core to {@code file} (absolute), pausing a running
     * domain meanwhile; returns the number of pages written.
     */
    public long dumpCore(HostedDomain hosted, Path file) throws HostError {
        synchronized (hosted) {
            if (hosted.life() == HostedDomain.Life.RELEASED) {
                throw new HostError("domain '" + hosted.name() + "' is gone");
            }
            Domain domain = hosted.domain();
            boolean running = domain.shutdownReason() == null;
            if (running && domain.pauseByController() != 0) {
                throw new HostError("domain '" + hosted.name() + "' is paused 255 times already (Xen's limit)");
            }
            try {
                return PvCoreDump.write(domain, file);
            } catch (java.io.IOException e) {
                throw new HostError("cannot write the core of domain '" + hosted.name() + "' to " + file + ": " + e.getMessage());
            } finally {
                if (running) {
                    domain.unpauseByController();
                }
            }
        }
    }

    private void relaunch(DomainConfig config, String name) {
        try {
            launch(config, name, false, System.nanoTime(), true);
        } catch (HostError e) {
            xen.console().log("cannot restart domain " + name + ": " + e.getMessage());
        }
    }

    /** The name a preserved domain takes so a new one can use its own: NAME-YYYYMMDDTHHMMZ, made unique. */
    private String preservedName(String name) {
        String base = name + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(PRESERVED_SUFFIX);
        String candidate = base;
        for (int n = 2; nameTaken(candidate); n++) {
            candidate = base + "-" + n;
        }
        return candidate;
    }

    private boolean nameTaken(String name) {
        return domains.values().stream().anyMatch(d -> d.name().equals(name));
    }

    /** Gives a stopped domain's frames, ports and timers back and forgets it. */
    private void release(HostedDomain hosted) {
        synchronized (hosted) {
            if (hosted.life() == HostedDomain.Life.RELEASED) {
                return;
            }
            hosted.domain().release();
            hosted.released();
        }
        domains.remove(hosted.id(), hosted);
        try {
            hosted.console().close();
        } catch (IOException e) {
            xen.console().log("domain " + hosted.id() + ": console log: " + e.getMessage());
        }
    }

    /**
     * Destroys a domain (xl destroy), running, paused or preserved, and waits until it is
     * released. Returns the invariant checker's findings about its frames (empty: nothing
     * leaked).
     */
    public List<String> destroy(HostedDomain hosted) throws HostError {
        return destroy(hosted, () -> {
        });
    }

    /** As {@link #destroy(HostedDomain)}; {@code afterRequest} runs once the destroy is requested (a debugger lets go). */
    public List<String> destroy(HostedDomain hosted, Runnable afterRequest) throws HostError {
        synchronized (this) {
            // Under the lock that applies actions: a domain stopping now is released, not restarted.
            hosted.requestDestroy();
        }
        afterRequest.run();
        try {
            if (!hosted.awaitStopped(10_000)) {
                throw new HostError("domain '" + hosted.name() + "' (id " + hosted.id()
                        + ") did not stop within 10 s of being destroyed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostError("interrupted while destroying domain '" + hosted.name() + "'");
        }
        release(hosted);
        return xen.auditReleased(hosted.id());
    }

    /** Marks the host as stopping: no new domains; domains that stop are released. */
    public synchronized void beginShutdown() {
        closing = true;
    }

    public boolean isClosing() {
        return closing;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Destroys every domain and stops the hypervisor. Not synchronized: a domain's thread may be
     * applying its action under the host's lock, and destroy waits for that thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            // Waits for an action being applied (a restart building its domain), and stops new ones.
            closing = true;
        }
        for (HostedDomain hosted : domains()) {
            try {
                destroy(hosted);
            } catch (HostError e) {
                xen.console().log("host: " + e.getMessage());
            }
        }
        xenstored.close();
        xen.close();
        hypervisorLog.close();
    }
}
