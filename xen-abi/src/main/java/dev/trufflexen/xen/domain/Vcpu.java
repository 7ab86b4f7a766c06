package dev.trufflexen.xen.domain;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.SharedInfo;

/**
 * The architecture-neutral state of one virtual CPU (Xen's {@code struct vcpu}): its domain, its
 * id, the CPU that runs its guest code, the PV kernel/user flag, whether it is initialised and
 * up ({@code is_initialised}, {@code _VPF_down}), and blocking.
 *
 * <p>vCPU 0 starts initialised and up; the others start offline until the guest gives them a
 * context (VCPUOP_initialise) and brings them up (VCPUOP_up). {@link #runGuest} is the one step
 * a scheduler calls: it runs the vCPU's guest code on the calling thread until the CPU leaves it.
 * A vCPU that is down is not runnable: the scheduler leaves it off its run queue until it is up.
 *
 * <p>A vCPU under the host's scheduler ({@link #schedule}) runs on whichever worker thread picks
 * it and blocks by being descheduled; {@link #wake} tells the scheduler. A vCPU that runs on a
 * thread of its own instead blocks by parking that thread ({@link LockSupport#park}) until
 * {@link #wake} unparks it: no polling, and a wake that comes before the park is not lost (the
 * permit stays). The wake condition is re-checked after every return from park, since park may
 * return spuriously.
 */
public final class Vcpu {
    private final Domain domain;
    private final int id;
    private X86Cpu cpu;
    private volatile boolean kernelMode = true;
    private volatile Thread blockedThread;
    private final Object pauseLock = new Object();
    /** Written under {@code pauseLock}; read without it at every switch ({@link #isPaused}). */
    private volatile int pauseCount;
    /**
     * Set around each run of guest code, at every switch: a volatile write, the lock taken only
     * when someone waits in {@link #awaitOffCpu}. A waiter counts itself in {@code offCpuWaiters}
     * before it reads this flag, and the switch writes the flag before it reads the count, so
     * one of the two always sees the other's write.
     */
    private volatile boolean onCpu;
    private volatile int offCpuWaiters;
    private volatile java.util.BitSet hardAffinity;
    private volatile long wakeChecks;
    private volatile VcpuInfoArea vcpuInfo;
    private final Runstate runstate;
    private volatile boolean initialised;
    private volatile boolean down;
    /** The host thread running this vCPU's guest code, null while none does. */
    private volatile Thread runningThread;
    private volatile Scheduled scheduled;
    /** Xen's {@code nmi_pending}: one bit, set by VCPUOP_send_nmi, cleared when the NMI is taken. */
    private final java.util.concurrent.atomic.AtomicBoolean nmiPending = new java.util.concurrent.atomic.AtomicBoolean();
    /** Xen's {@code nmi_masked}: set while the guest's NMI handler runs, cleared by HYPERVISOR_iret. */
    private volatile boolean nmiMasked;

    /**
     * The scheduler's handle on a vCPU it runs on a host worker thread: whoever makes an event
     * pending for the vCPU wakes it through {@link #wake}.
     */
    public interface Scheduled {
        /** Something the blocked vCPU may be waiting for happened: make it runnable if its wake condition holds. */
        void wake();

        /** The vCPU's guest code stopped at an exit or back edge for attention, on the thread running it. */
        default void attention() {
        }
    }

    /**
     * Where this vCPU's {@code struct vcpu_info} lives: in shared_info until the guest moves it
     * with VCPUOP_register_vcpu_info.
     */
    public record VcpuInfoArea(long mfn, int offset) {
    }

    Vcpu(Domain domain, int id) {
        this.domain = domain;
        this.id = id;
        this.vcpuInfo = id < SharedInfo.XEN_LEGACY_MAX_VCPUS ? new VcpuInfoArea(domain.sharedInfoMfn(), SharedInfo.vcpuInfo(id))
                : null;
        this.initialised = id == 0;
        this.down = id != 0;
        this.runstate = new Runstate(domain::systemTime, id == 0 ? Runstate.RUNNING : Runstate.OFFLINE);
    }

    /**
     * Whether the vCPU has a vcpu_info: those below XEN_LEGACY_MAX_VCPUS have one in shared_info;
     * the others only once the guest registers one (Xen's dummy_vcpu_info until then).
     */
    public boolean hasVcpuInfo() {
        return vcpuInfo != null;
    }

    /** The frame holding this vCPU's vcpu_info. */
    public long vcpuInfoMfn() {
        return vcpuInfo.mfn();
    }

    /** The offset of this vCPU's vcpu_info in {@link #vcpuInfoMfn}. */
    public int vcpuInfoOffset() {
        return vcpuInfo.offset();
    }

    /** Where vcpu_info is, null while the vCPU has none ({@link #hasVcpuInfo}). */
    public VcpuInfoArea vcpuInfoArea() {
        return vcpuInfo;
    }

    /** VCPUOP_register_vcpu_info moved the vcpu_info. */
    public void moveVcpuInfo(VcpuInfoArea area) {
        this.vcpuInfo = area;
    }

    /** True once the guest has moved vcpu_info out of shared_info. */
    public boolean vcpuInfoRegistered() {
        VcpuInfoArea area = vcpuInfo;
        return area != null && (id >= SharedInfo.XEN_LEGACY_MAX_VCPUS || area.mfn() != domain.sharedInfoMfn()
                || area.offset() != SharedInfo.vcpuInfo(id));
    }

    /** Time spent running, runnable, blocked and offline (Xen's vcpu_runstate_info). */
    public Runstate runstate() {
        return runstate;
    }

    /** Gives the vCPU its CPU; done once, by whoever builds the domain. */
    public void attach(X86Cpu attachedCpu) {
        if (this.cpu != null) {
            throw new IllegalStateException("vCPU " + id + " already has a CPU");
        }
        this.cpu = attachedCpu;
    }

    public X86Cpu cpu() {
        return cpu;
    }

    public Domain domain() {
        return domain;
    }

    public int id() {
        return id;
    }

    /** True while the PV guest runs its kernel (Xen's TF_kernel_mode), false in guest user mode. */
    public boolean inKernelMode() {
        return kernelMode;
    }

    /** Flips TF_kernel_mode; only the PV mode switch (page tables and GS bases with it) calls this. */
    public void setKernelMode(boolean kernel) {
        this.kernelMode = kernel;
    }

    /**
     * Blocks the calling (vCPU) thread until {@code wakeCondition} holds or the domain is dying.
     * Returns at once when it already holds.
     */
    public void block(BooleanSupplier wakeCondition) {
        Thread self = Thread.currentThread();
        blockedThread = self;
        try {
            boolean parked = false;
            while (!wakeConditionHolds(wakeCondition)) {
                if (!parked) {
                    runstate.change(Runstate.BLOCKED);
                    parked = true;
                }
                LockSupport.park(this);
                if (self.isInterrupted()) {
                    return;
                }
            }
        } finally {
            blockedThread = null;
            runstate.change(Runstate.RUNNING);
        }
    }

    /** Like {@link #block} but gives up after {@code timeout}; true when woken by the condition. */
    public boolean block(BooleanSupplier wakeCondition, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        Thread self = Thread.currentThread();
        blockedThread = self;
        try {
            boolean parked = false;
            while (!wakeConditionHolds(wakeCondition)) {
                if (!parked) {
                    runstate.change(Runstate.BLOCKED);
                    parked = true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || self.isInterrupted()) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
            return true;
        } finally {
            blockedThread = null;
            runstate.change(Runstate.RUNNING);
        }
    }

    /**
     * Puts the vCPU under a scheduler (once, when its domain is first run); from then on it
     * blocks by being descheduled, not by parking a thread.
     */
    public void schedule(Scheduled handle) {
        if (scheduled != null) {
            throw new IllegalStateException("vCPU " + id + " is already scheduled");
        }
        scheduled = handle;
    }

    /** The scheduler's handle, or null while no scheduler runs this vCPU. */
    public Scheduled scheduled() {
        return scheduled;
    }

    /** Counts one check of a blocked vCPU's wake condition; true when the domain is dying or the condition holds. */
    public boolean wakeConditionHolds(BooleanSupplier wakeCondition) {
        // A statistic: an opaque store, no fence (two threads may check at once, and one count then be lost).
        WAKE_CHECKS.setOpaque(this, (long) WAKE_CHECKS.getOpaque(this) + 1);
        // A debugger stopping the vCPU (an exit request) ends the block too, as a spurious wake-up.
        return domain.isDying() || cpu != null && cpu.exitRequested() || nmiPending.get() || wakeCondition.getAsBoolean();
    }

    /**
     * VCPUOP_send_nmi: sets the NMI pending bit; true when it was clear, and then the vCPU is
     * kicked (woken if blocked, its CPU asked to look for work), as Xen's vcpu_kick.
     */
    public boolean raiseNmi() {
        if (nmiPending.getAndSet(true)) {
            return false;
        }
        wake();
        return true;
    }

    public boolean nmiPending() {
        return nmiPending.get();
    }

    /** Takes the pending NMI when the vCPU may take one now (not masked): true when there was one. */
    public boolean takeNmi() {
        return !nmiMasked && nmiPending.getAndSet(false);
    }

    public boolean nmiMasked() {
        return nmiMasked;
    }

    /** Set when the NMI handler is entered; HYPERVISOR_iret clears it. */
    public void setNmiMasked(boolean masked) {
        // Only this vCPU writes it, and HYPERVISOR_iret clears it on every return: a volatile
        // store (with its fence) only when it changes.
        if (nmiMasked != masked) {
            nmiMasked = masked;
        }
    }

    /** Wakes the vCPU if it is blocked (thread-safe; a no-op otherwise), and asks its CPU to look for work. */
    public void wake() {
        Thread blocked = blockedThread;
        if (blocked != null) {
            LockSupport.unpark(blocked);
        }
        if (cpu != null) {
            cpu.requestAttention();
        }
        Scheduled handle = scheduled;
        if (handle != null) {
            handle.wake();
        }
    }

    /** On the thread running the vCPU, at an exit or back edge for attention: the scheduler's turn. */
    public void schedulerAttention() {
        Scheduled handle = scheduled;
        if (handle != null) {
            handle.attention();
        }
    }

    /** Xen's {@code is_initialised}: the vCPU has a context (vCPU 0 from the builder, the others from VCPUOP_initialise). */
    public boolean isInitialised() {
        return initialised;
    }

    /** Marks the vCPU initialised; VCPUOP_initialise calls this once the context is in place. */
    public void markInitialised() {
        initialised = true;
    }

    /** Xen's {@code _VPF_down}: the vCPU is offline (not yet brought up, or taken down). */
    public boolean isDown() {
        return down;
    }

    /**
     * Brings the vCPU up (VCPUOP_up, or an initialise with VGCF_online); true when it was down.
     * The scheduler then makes it runnable ({@link #wake}).
     */
    public boolean up() {
        synchronized (this) {
            if (!down) {
                return false;
            }
            down = false;
            runstate.change(Runstate.RUNNABLE);
        }
        wake();
        return true;
    }

    /**
     * Takes the vCPU down (VCPUOP_down): it leaves guest code at its next exit point and stays
     * offline until brought up again, resuming where it stopped. True when it was up.
     */
    public boolean takeDown() {
        synchronized (this) {
            if (down) {
                return false;
            }
            down = true;
        }
        if (cpu != null) {
            cpu.requestExit(OFFLINE_EXIT);
        }
        wake();
        return true;
    }

    /** The exit reason a CPU is given when its vCPU goes down. */
    private static final String OFFLINE_EXIT = "vCPU down";

    /**
     * Runs this vCPU's guest code on the calling thread until its CPU leaves guest code (the
     * domain is dying, the vCPU went down, its slice ended, it blocked or yielded, or an exit was
     * requested) and returns why: the step a scheduler calls. A debugger stop is handed to the
     * attached debugger first. A host exception costs the domain (a crash with a report), never
     * the host. The scheduler has made the runstate running when it picked the vCPU, with the
     * time of its switch.
     */
    public Object runGuest() {
        Thread self = Thread.currentThread();
        RUNNING_THREAD.setRelease(this, self);
        try {
            Object exit = cpu.run();
            Domain.Debugger attached = domain.debugger();
            if (exit instanceof dev.trufflexen.x86.cpu.X86DebugStop stop && attached != null && !domain.isDying()) {
                attached.stopped(this, stop);
            }
            return exit;
        } catch (RuntimeException | StackOverflowError e) {
            domain.console().log("internal error running d" + domain.id() + "v" + id + ": " + e);
            domain.crash(this, "internal error in the CPU: " + e, null);
            return e;
        } finally {
            RUNNING_THREAD.setRelease(this, null);
        }
    }

    /** Release stores for the flags a switch writes: their readers need no fence after them (see setOnCpu). */
    private static final java.lang.invoke.VarHandle RUNNING_THREAD;
    private static final java.lang.invoke.VarHandle ON_CPU;
    private static final java.lang.invoke.VarHandle WAKE_CHECKS;
    static {
        try {
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            RUNNING_THREAD = lookup.findVarHandle(Vcpu.class, "runningThread", Thread.class);
            ON_CPU = lookup.findVarHandle(Vcpu.class, "onCpu", boolean.class);
            WAKE_CHECKS = lookup.findVarHandle(Vcpu.class, "wakeChecks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** True while a host thread is inside {@link #runGuest} for this vCPU. */
    public boolean isRunning() {
        return runningThread != null;
    }

    /** True when the calling thread is the one running this vCPU. */
    public boolean isCurrent() {
        return runningThread == Thread.currentThread();
    }

    /** True while the vCPU's thread is parked (blocked in a hypercall, or down). */
    public boolean isParked() {
        return blockedThread != null;
    }

    /**
     * Pauses this vCPU (Xen's vcpu_pause): counted, so each pause needs its own
     * {@link #unpause}. Guest code is asked to exit, and the scheduler keeps the vCPU off its
     * run queue until every pause is undone; a blocked vCPU stays blocked. Returns without
     * waiting; {@link #awaitOffCpu} waits.
     */
    public void pause() {
        synchronized (pauseLock) {
            pauseCount++;
        }
        X86Cpu c = cpu;
        if (c != null) {
            c.requestExit(PAUSED);
        }
    }

    /** Undoes one {@link #pause}; at zero the scheduler may run the vCPU again (Xen's vcpu_unpause). */
    public void unpause() {
        synchronized (pauseLock) {
            if (pauseCount == 0) {
                throw new IllegalStateException("vCPU " + id + " of domain " + domain.id() + " is not paused");
            }
            pauseCount--;
        }
        wake();
    }

    /** True while at least one pause of this vCPU or of its domain holds. */
    public boolean isPaused() {
        return pauseCount > 0;
    }

    /** What the vCPU's thread hands {@code requestExit} to leave guest code for a pause. */
    public static final Object PAUSED = "paused";

    /** Lets a caller waiting in {@link #awaitOffCpu} see that the domain is dying. */
    void domainDying() {
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
    }

    /** Marks whether the calling thread is running this vCPU's guest code (around {@code cpu.run()}). */
    public void setOnCpu(boolean running) {
        if (running) {
            ON_CPU.setRelease(this, true); // only leaving the CPU must be ordered before the waiter count's read
            return;
        }
        onCpu = false;
        if (offCpuWaiters > 0) {
            synchronized (pauseLock) {
                pauseLock.notifyAll();
            }
        }
    }

    /**
     * Waits until the vCPU is not in guest code (parked, blocked, stopped or never started), as
     * Xen's vcpu_sleep_sync; at most {@code timeoutMillis}. True when it is off the CPU.
     */
    public boolean awaitOffCpu(long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (pauseLock) {
            offCpuWaiters++;
            try {
                while (onCpu && blockedThread == null && !domain.isDying()) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        pauseLock.wait(Math.min(left, 5));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return true;
            } finally {
                offCpuWaiters--;
            }
        }
    }

    /**
     * The physical CPUs this vCPU may run on (xl vcpu-pin), or empty for any: what the
     * scheduler honours when it places the vCPU. A copy.
     */
    public java.util.BitSet hardAffinity() {
        java.util.BitSet pcpus = hardAffinity;
        return pcpus == null ? new java.util.BitSet() : (java.util.BitSet) pcpus.clone();
    }

    /** Pins this vCPU to {@code pcpus} (empty: any physical CPU). */
    public void setHardAffinity(java.util.BitSet pcpus) {
        this.hardAffinity = pcpus.isEmpty() ? null : (java.util.BitSet) pcpus.clone();
    }

    /** How many times a blocked vCPU has checked its wake condition (a polling blocker checks it again and again). */
    public long wakeChecks() {
        return wakeChecks;
    }
}
