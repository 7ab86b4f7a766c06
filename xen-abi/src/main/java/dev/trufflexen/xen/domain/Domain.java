package dev.trufflexen.xen.domain;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86CpuidPolicy;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.xen.log.GuestConsoleWriter;
import dev.trufflexen.xen.log.HypervisorConsole;
import dev.trufflexen.xen.mm.GuestFrames;
import dev.trufflexen.xen.time.DomainTimeStampCounter;

/**
 * A PV domain: a record of parts. It holds what every subsystem needs (id, spec, vCPUs, its
 * frames, life cycle, the narrow services it was given when built) and, through
 * {@link DomainPart} keys, each subsystem's own state. It knows nothing of the hypervisor that
 * built it: operations that need more take a {@code Domain} as a parameter.
 *
 * <p>Life cycle, as in Xen: built, running, then shut down by the guest (SCHEDOP_shutdown with a
 * reason), crashed by the hypervisor (an unhandled fault), or destroyed by the toolstack. Once
 * shut down, the vCPU leaves guest code at its next exit point, the scheduler stops running it,
 * the stop listeners (dom0 backends' last drain) run, and {@link #run} returns the reason; {@link #release} then gives
 * every frame back.
 */
public final class Domain {
    /** The frames the hypervisor must know about a built domain. */
    public record Frames(long[] p2m, long sharedInfoMfn, long consoleMfn, long xenstoreMfn) {
    }

    /**
     * A debugger attached to the domain: called on a vCPU's thread when its CPU left guest code
     * for the debugger (an {@link dev.trufflexen.x86.cpu.X86DebugStop}); the vCPU stays stopped
     * until it returns. Must return once the domain is dying.
     */
    public interface Debugger {
        void stopped(Vcpu vcpu, dev.trufflexen.x86.cpu.X86DebugStop stop);
    }

    /** The services a domain gets from the hypervisor when it is built (never the hypervisor itself). */
    public record Services(HypervisorConsole console, GuestFrames frames, DomainRegistry registry,
            DomainScheduler scheduler, Runnable onRelease) {
    }

    private final int domid;
    private final DomainSpec spec;
    private final Frames frames;
    private final Services services;
    private final Object[] parts = new Object[DomainPart.MAX];
    private final Vcpu[] vcpus;
    private final List<Vcpu> vcpuList;
    private final int storePort;
    private final int consolePort;
    private final GuestConsoleWriter consoleIoWriter;
    private final List<Runnable> yieldListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> stopListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopListenersRan = new AtomicBoolean();
    private volatile ShutdownReason shutdownReason;
    private volatile CrashReport crashReport;
    private int pendingShutdownCode = -1;
    private final byte[] handle = uuidBytes(java.util.UUID.randomUUID());
    private boolean destroyed;
    private final X86CpuidPolicy cpuidPolicy;
    private final DomainTimeStampCounter timeStampCounter = new DomainTimeStampCounter();
    private volatile long vmAssists;
    private volatile Debugger debugger;
    private int controllerPauseCount;
    private volatile SchedulingParameters schedulingParameters = SchedulingParameters.DEFAULT;

    public Domain(int domid, DomainSpec spec, Frames frames, int storePort, int consolePort, X86CpuidPolicy cpuidPolicy,
            Services services) {
        this.domid = domid;
        this.spec = Objects.requireNonNull(spec);
        this.frames = Objects.requireNonNull(frames);
        this.storePort = storePort;
        this.consolePort = consolePort;
        this.cpuidPolicy = Objects.requireNonNull(cpuidPolicy);
        this.services = Objects.requireNonNull(services);
        this.vcpus = new Vcpu[spec.vcpus()];
        for (int id = 0; id < vcpus.length; id++) {
            vcpus[id] = new Vcpu(this, id);
        }
        this.vcpuList = List.of(vcpus);
        this.consoleIoWriter = new GuestConsoleWriter(services.console(), domid);
    }

    /** Attaches a subsystem's state; once per part, while the domain is being built. */
    public synchronized <T> void attach(DomainPart<T> part, T state) {
        if (parts[part.index()] != null) {
            throw new IllegalStateException("domain " + domid + " already has its " + part);
        }
        parts[part.index()] = part.type().cast(Objects.requireNonNull(state));
    }

    /** A subsystem's state. */
    public <T> T part(DomainPart<T> part) {
        Object state = parts[part.index()];
        if (state == null) {
            throw new IllegalStateException("domain " + domid + " has no " + part);
        }
        return part.type().cast(state);
    }

    /**
     * Whether the domain has VM assist {@code type} on ({@code d->vm_assist}): set by the domain
     * builder for the features its kernel asks for and by the domain's own vm_assist hypercalls;
     * read by the subsystems an assist changes (the PV MMU, I/O port checks, XENVER_get_features).
     */
    public boolean vmAssist(int type) {
        return (vmAssists & 1L << type) != 0;
    }

    /** Every assist bit at once, bit {@code type} for assist {@code type}. */
    public long vmAssists() {
        return vmAssists;
    }

    /** Turns VM assist {@code type} (0-63) on or off; the caller has checked it is one the domain may use. */
    public synchronized void setVmAssist(int type, boolean enabled) {
        vmAssists = enabled ? vmAssists | 1L << type : vmAssists & ~(1L << type);
    }

    /** What CPUID shows this domain: the CPU's policy plus Xen's leaves at 0x40000000. */
    public X86CpuidPolicy cpuidPolicy() {
        return cpuidPolicy;
    }

    /**
     * Xen's system time (NOW()) as this domain sees it: nanoseconds since the domain was built,
     * the same clock as its TSC (see {@link DomainTimeStampCounter}).
     */
    public long systemTime() {
        return timeStampCounter.read();
    }

    /** The system time at {@code nanoTime}, a {@link System#nanoTime} reading: what {@link #systemTime} returned then. */
    public long systemTimeAt(long nanoTime) {
        return timeStampCounter.at(nanoTime);
    }

    /** The domain's virtual TSC: 0 at build time, 1 GHz. */
    public long timeStampCounter() {
        return timeStampCounter.read();
    }

    public int id() {
        return domid;
    }

    public String name() {
        return spec.name();
    }

    public DomainSpec spec() {
        return spec;
    }

    /** The hypervisor console (the "(XEN)" log). */
    public HypervisorConsole console() {
        return services.console();
    }

    /** The one path for host reads and writes of guest frames. */
    public GuestFrames frames() {
        return services.frames();
    }

    /** The other live domains. */
    public DomainRegistry registry() {
        return services.registry();
    }

    public Vcpu vcpu0() {
        return vcpus[0];
    }

    /** Xen's domain_vcpu: vCPU {@code id}, or null when the domain has no such vCPU (max_vcpus is the spec's vcpus). */
    public Vcpu vcpu(long id) {
        return id >= 0 && id < vcpus.length ? vcpus[(int) id] : null;
    }

    /** Xen's {@code d->max_vcpus}. */
    public int maxVcpus() {
        return vcpus.length;
    }

    /** Every vCPU, in id order. */
    public List<Vcpu> vcpus() {
        return vcpuList;
    }

    /** The domain's frames: P2M, shared_info, console and xenstore rings. */
    public Frames memory() {
        return frames;
    }

    public long sharedInfoMfn() {
        return frames.sharedInfoMfn();
    }

    /** Machine frame of the PV console ring page. */
    public long consoleMfn() {
        return frames.consoleMfn();
    }

    public int consolePort() {
        return consolePort;
    }

    public long xenstoreMfn() {
        return frames.xenstoreMfn();
    }

    public int xenstorePort() {
        return storePort;
    }

    /** Line buffer for console_io output of this domain. */
    public GuestConsoleWriter consoleIoWriter() {
        return consoleIoWriter;
    }

    /**
     * Registers work to run on the vCPU's thread whenever the guest yields (SCHEDOP_yield): for
     * in-process harnesses that stop the vCPU at a yield. Backends do not use it: they run on
     * their own threads, woken by event channels.
     */
    public void onYield(Runnable listener) {
        yieldListeners.add(listener);
    }

    /** The guest yielded the CPU. */
    public void yielded() {
        for (Runnable listener : yieldListeners) {
            listener.run();
        }
    }

    /**
     * Registers work to run once the domain has stopped, before {@link #run} returns (a
     * backend's last drain of its ring), or when a domain that never ran is released.
     */
    public void onStop(Runnable listener) {
        stopListeners.add(listener);
    }

    /** Attaches a debugger (null detaches it); see {@link Debugger}. */
    public void attachDebugger(Debugger attached) {
        this.debugger = attached;
    }

    /** The attached debugger, or null. */
    Debugger debugger() {
        return debugger;
    }

    /**
     * Hands the domain's vCPUs to the host's scheduler and waits until the domain shuts down,
     * crashes or is destroyed and every vCPU has left guest code; returns why it stopped.
     */
    public ShutdownReason run() {
        services.scheduler().runUntilStopped(this);
        consoleIoWriter.flush();
        runStopListeners();
        return shutdownReason;
    }

    /** Runs the stop listeners, once. */
    private void runStopListeners() {
        if (!stopListenersRan.compareAndSet(false, true)) {
            return;
        }
        for (Runnable listener : stopListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                console().log("domain " + domid + ": stop listener failed: " + e);
            }
        }
    }

    /** SCHEDOP_shutdown: the guest asks to stop for {@code reason}. */
    public void shutdown(ShutdownReason reason) {
        synchronized (this) {
            if (shutdownReason != null) {
                return;
            }
            shutdownReason = reason;
        }
        console().log("Domain " + domid + " (" + name() + ") shut down: " + reason.name().toLowerCase());
        for (Vcpu vcpu : vcpus) {
            X86Cpu cpu = vcpu.cpu();
            if (cpu != null) {
                cpu.requestExit(reason);
            }
            vcpu.wake();
            vcpu.domainDying();
        }
    }

    private static byte[] uuidBytes(java.util.UUID uuid) {
        return java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
    }

    /**
     * Records a shutdown code unless one was recorded before (SCHEDOP_shutdown_code, or the
     * reason of SCHEDOP_shutdown), and returns the code in force, as Xen's domain_shutdown does.
     */
    public synchronized int setShutdownCodeIfUnset(int code) {
        if (pendingShutdownCode < 0) {
            pendingShutdownCode = code;
        }
        return pendingShutdownCode;
    }

    /** The 16-byte domain handle (UUID) reported by XENVER_guest_handle. */
    public byte[] handle() {
        return handle.clone();
    }

    /** The hypervisor crashes the domain (as Xen's domain_crash), keeping a report for the user. */
    public void crash(Vcpu vcpu, String reason, X86Fault fault) {
        CrashReport report = CrashReport.capture(this, vcpu, reason, fault);
        crashReport = report;
        console().log(report.text());
        shutdown(ShutdownReason.CRASH);
    }

    /** The crash report, or null when the domain did not crash. */
    public CrashReport crashReport() {
        return crashReport;
    }

    public ShutdownReason shutdownReason() {
        return shutdownReason;
    }

    /** True once the domain has shut down, crashed or been destroyed. */
    public boolean isDying() {
        return shutdownReason != null;
    }

    /** The reason to hand the CPU when it must leave guest code. */
    public ShutdownReason shutdownReasonOrCrash() {
        ShutdownReason reason = shutdownReason;
        return reason == null ? ShutdownReason.CRASH : reason;
    }

    /**
     * Destroys the domain (xl destroy): it stops at its vCPU's next exit point.
     * Memory is released by {@link #release} once the vCPU has left guest code.
     */
    public void destroy() {
        shutdown(shutdownReason == null ? ShutdownReason.POWEROFF : shutdownReason);
    }


    /**
     * Pauses every vCPU (Xen's domain_pause): counted, each pause needs its {@link #unpause}.
     * Waits, at most a second, until no vCPU runs guest code; a vCPU parks at its next exit
     * from guest code. Not from the domain's own vCPU thread.
     */
    public void pause() {
        for (Vcpu vcpu : vcpus()) {
            vcpu.pause();
        }
        for (Vcpu vcpu : vcpus()) {
            vcpu.awaitOffCpu(1000);
        }
    }

    /** Undoes one {@link #pause}; when none holds any more the vCPUs run again. */
    public void unpause() {
        for (Vcpu vcpu : vcpus()) {
            vcpu.unpause();
        }
    }

    /**
     * The toolstack's pause (xl pause, XEN_DOMCTL_pausedomain): counted apart from the
     * hypervisor's own pauses, at most 255 deep. 0, or -EOVERFLOW beyond 255.
     */
    public int pauseByController() {
        synchronized (this) {
            if (controllerPauseCount == 255) {
                return -dev.trufflexen.xen.abi.XenErrno.EOVERFLOW;
            }
            controllerPauseCount++;
        }
        pause();
        return 0;
    }

    /** xl unpause (XEN_DOMCTL_unpausedomain): 0, or -EINVAL when the toolstack holds no pause. */
    public int unpauseByController() {
        synchronized (this) {
            if (controllerPauseCount == 0) {
                return -dev.trufflexen.xen.abi.XenErrno.EINVAL;
            }
            controllerPauseCount--;
        }
        unpause();
        return 0;
    }

    /** True while the toolstack holds at least one pause. */
    public synchronized boolean isPausedByController() {
        return controllerPauseCount > 0;
    }

    /** The scheduler's parameters for this domain (xl sched-credit, sched-bvt). */
    public SchedulingParameters schedulingParameters() {
        return schedulingParameters;
    }

    public void setSchedulingParameters(SchedulingParameters parameters) {
        this.schedulingParameters = Objects.requireNonNull(parameters);
        services.scheduler().parametersChanged(this);
    }

    /** Gives every frame back to the host pool; the domain must not run afterwards. */
    public synchronized void release() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        runStopListeners();
        long held = services.frames().releaseDomain(domid, frames.p2m());
        if (held > 0) {
            console().log("domain " + domid + ": " + held + " frames still referenced when released (reclaimed)");
        }
        services.onRelease().run();
    }

    public boolean isReleased() {
        return destroyed;
    }
}
