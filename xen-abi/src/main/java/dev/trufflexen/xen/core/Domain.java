package dev.trufflexen.xen.core;

import dev.trufflexen.x86.cpu.X86CpuidPolicy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.builder.BootImage;
import dev.trufflexen.xen.hypercall.HypercallTable;

/**
 * A running PV domain: its memory (P2M), vCPUs, event channels, the frames its backends serve
 * (console and xenstore rings), and its life cycle.
 *
 * <p>Life cycle, as in Xen: built, running, then shut down by the guest (SCHEDOP_shutdown with a
 * reason), crashed by the hypervisor (an unhandled fault), or destroyed by the toolstack. Once
 * shut down, the vCPU leaves guest code at its next exit point and {@link #run} returns the
 * reason; {@link #destroy} then gives every frame back to the pool.
 */
public final class Domain {
    private final XenHypervisor xen;
    private final int domid;
    private final DomainSpec spec;
    private final BootImage boot;
    private final EventChannels eventChannels;
    private final List<Runnable> backendPollers = new CopyOnWriteArrayList<>();
    private final XenVcpu vcpu0;
    private final int storePort;
    private final int consolePort;
    private final GuestConsoleWriter consoleIoWriter;
    private volatile ShutdownReason shutdownReason;
    private volatile CrashReport crashReport;
    private int pendingShutdownCode = -1;
    private final byte[] handle = uuidBytes(java.util.UUID.randomUUID());
    private final Object wakeup = new Object();
    private boolean destroyed;
    private final X86CpuidPolicy cpuidPolicy;
    private final DomainTimeStampCounter timeStampCounter = new DomainTimeStampCounter();

    Domain(XenHypervisor xen, int domid, DomainSpec spec, BootImage boot, int storePort, int consolePort,
            EventChannels channels, HypercallTable hypercalls) {
        this.xen = xen;
        this.domid = domid;
        this.spec = spec;
        this.boot = boot;
        this.storePort = storePort;
        this.consolePort = consolePort;
        this.vcpu0 = new XenVcpu(this, 0, hypercalls);
        this.eventChannels = channels;
        this.consoleIoWriter = new GuestConsoleWriter(xen.console(), domid);
        this.cpuidPolicy = XenCpuidLeaves.forPvDomain(xen.memory().size());
    }

    /** What CPUID shows this domain: the CPU's policy plus Xen's leaves at 0x40000000. */
    public X86CpuidPolicy cpuidPolicy() {
        return cpuidPolicy;
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

    public XenHypervisor hypervisor() {
        return xen;
    }

    public BootImage boot() {
        return boot;
    }

    public EventChannels eventChannels() {
        return eventChannels;
    }

    public XenVcpu vcpu0() {
        return vcpu0;
    }

    /** Machine frame of the PV console ring page. */
    public long consoleMfn() {
        return boot.consoleMfn();
    }

    public int consolePort() {
        return consolePort;
    }

    public long xenstoreMfn() {
        return boot.xenstoreMfn();
    }

    public int xenstorePort() {
        return storePort;
    }

    /** Line buffer for console_io output of this domain. */
    public GuestConsoleWriter consoleIoWriter() {
        return consoleIoWriter;
    }

    /**
     * Registers work a dom0 backend does when this domain yields, blocks or shuts down: in
     * TruffleXen dom0 runs in the same process, so a guest spinning on SCHEDOP_yield until its
     * console ring drains relies on this to make progress.
     */
    public void addBackendPoller(Runnable poller) {
        backendPollers.add(poller);
    }

    /** Runs every backend poller: the guest has yielded the CPU. */
    public void runBackends() {
        for (Runnable poller : backendPollers) {
            poller.run();
        }
    }

    /**
     * Runs the domain's vCPU 0 on the calling thread until the domain shuts down, crashes or is
     * destroyed, and returns why.
     */
    public ShutdownReason run() {
        X86Cpu cpu = vcpu0.cpu();
        while (shutdownReason == null) {
            try {
                cpu.run();
            } catch (RuntimeException | StackOverflowError e) {
                // A host bug reached by this guest: it costs this domain, never the host.
                xen.console().log("internal error running domain " + domid + ": " + e);
                crash(vcpu0, "internal error in the CPU: " + e, null);
            }
        }
        consoleIoWriter.flush();
        runBackends();
        return shutdownReason;
    }

    /** SCHEDOP_shutdown: the guest asks to stop for {@code reason}. */
    public void shutdown(ShutdownReason reason) {
        synchronized (this) {
            if (shutdownReason != null) {
                return;
            }
            shutdownReason = reason;
        }
        xen.console().log("Domain " + domid + " (" + name() + ") shut down: " + reason.name().toLowerCase());
        vcpu0.cpu().requestExit(reason);
        vcpu0.cpu().requestAttention();
        synchronized (wakeup) {
            wakeup.notifyAll();
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

    /**
     * SCHEDOP_block: enable event delivery for the vCPU and sleep until an event is pending or
     * the domain is shutting down. Dom0 backends get their turn first.
     */
    public long block(XenVcpu vcpu) {
        long vcpuInfo = (boot.sharedInfoMfn() << 12) + SharedInfo.vcpuInfo(vcpu.id());
        var memory = xen.memory();
        memory.write8(vcpuInfo + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK, (byte) 0);
        runBackends();
        synchronized (wakeup) {
            while (memory.read8(vcpuInfo + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING) == 0 && !isDying()) {
                try {
                    wakeup.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return 0;
    }

    /** The hypervisor crashes the domain (as Xen's domain_crash), keeping a report for the user. */
    public void crash(XenVcpu vcpu, String reason, X86Fault fault) {
        CrashReport report = CrashReport.capture(this, vcpu, reason, fault);
        crashReport = report;
        xen.console().log(report.text());
        shutdown(ShutdownReason.CRASH);
    }

    /** The crash report, or null when the domain did not crash. */
    public CrashReport crashReport() {
        return crashReport;
    }

    public ShutdownReason shutdownReason() {
        return shutdownReason;
    }

    boolean isDying() {
        return shutdownReason != null;
    }

    ShutdownReason shutdownReasonOrCrash() {
        ShutdownReason reason = shutdownReason;
        return reason == null ? ShutdownReason.CRASH : reason;
    }

    /**
     * Destroys the domain from the toolstack (any thread): stops its vCPU at the next exit point.
     * Memory is released by {@link #release} once the vCPU has left guest code.
     */
    public void destroy() {
        shutdown(shutdownReason == null ? ShutdownReason.POWEROFF : shutdownReason);
    }

    /** Gives every frame back to the host pool; the domain must not run afterwards. */
    public synchronized void release() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        for (long mfn : boot.p2m()) {
            xen.m2p().invalidate(mfn);
        }
        xen.framePool().freeAllOwnedBy(domid);
        xen.forget(this);
    }

    public boolean isReleased() {
        return destroyed;
    }
}
