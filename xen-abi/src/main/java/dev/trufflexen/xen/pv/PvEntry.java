package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86CpuidPolicy;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Platform;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.xen.abi.CallbackOp;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.HypercallDispatcher;
import dev.trufflexen.xen.domain.StepParts;

/**
 * Where guest code of one PV vCPU enters the hypervisor: the {@link X86Platform} its
 * {@link X86Cpu} calls (Xen's {@code arch/x86/pv/} entry points).
 *
 * <p>A 64-bit PV kernel runs in ring 3 like its user processes; Xen tells the two apart by a
 * per-vCPU flag. A {@code syscall} in guest kernel mode is a hypercall, dispatched by the
 * {@link HypercallDispatcher} on this vCPU's reused {@link HypercallContext}; pending work runs
 * after it. Faults go to the guest's own handlers through its virtual IDT ({@link PvVcpu},
 * {@link TrapBounce}), after the emulation Xen does (forced-emulation CPUID, segment-base MSRs).
 * Nothing a guest passes can make the core throw: an unexpected host exception becomes a domain
 * crash with a report.
 */
public final class PvEntry implements X86Platform {
    /** {@code int $0x80}: Xen's IDT gate for it has DPL 3 and goes straight to the guest's handler. */
    private static final int LEGACY_SYSCALL_VECTOR = 0x80;
    /** Error-code bit of a #GP caused by an IDT gate. */
    private static final int X86_XEC_IDT = 2;
    /** {@code int imm8} (CD ib): Xen steps back over it when it becomes #GP. */
    private static final int INT_N_LENGTH = 2;
    private final Vcpu vcpu;
    private final Domain domain;
    private final HypercallDispatcher dispatcher;
    private final HypercallContext context;
    private final PvVcpu pv = new PvVcpu();
    private final TrapBounce bounce;
    /** The domain's PV MMU, looked up at the first attention (attached when the domain is built). */
    private PvMmu mmu;

    public PvEntry(Vcpu vcpu, HypercallDispatcher dispatcher) {
        this.vcpu = vcpu;
        this.domain = vcpu.domain();
        this.dispatcher = dispatcher;
        this.context = new HypercallContext(vcpu);
        this.bounce = new TrapBounce(vcpu, pv);
        pv.descriptorTables().attach(domain);
    }

    /** The PV state (virtual IDT, callbacks, user GS base) of the vCPU whose CPU runs on {@code cpu}. */
    static PvVcpu pvVcpu(X86Cpu cpu) {
        if (!(cpu.platform() instanceof PvEntry entry)) {
            throw new IllegalStateException("not a PV vCPU: " + cpu.platform());
        }
        return entry.pv;
    }

    /** The PV entry of {@code vcpu} (its CPU's platform); the vCPU must have its CPU. */
    public static PvEntry of(Vcpu vcpu) {
        return (PvEntry) vcpu.cpu().platform();
    }

    /** This vCPU's PV state. */
    public PvVcpu pvVcpu() {
        return pv;
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    /** This vCPU's hypercall context (continuation counts, for tests and statistics). */
    public HypercallContext hypercallContext() {
        return context;
    }

    @Override
    public void syscall(X86Cpu c) {
        if (!vcpu.inKernelMode()) {
            FastSystemCalls.syscallFromUser(c, pv, bounce);
            return;
        }
        pv.enterHypervisor();
        try {
            dispatcher.dispatch(context, c);
        } finally {
            leaveHypervisor(c);
        }
    }

    /** Back to guest code: a TLB flush another vCPU requested meanwhile is done first ({@link TlbShootdown}). */
    private void leaveHypervisor(X86Cpu c) {
        pv.leaveHypervisor();
        TlbShootdown.honour(c, pv);
    }

    /**
     * An exception or {@code int n} from guest code, handled as Xen's trap handlers do: the
     * forced-emulation CPUID, then the privileged instructions Xen emulates at #GP(0) (and a
     * same-privilege IRET, which runs as on hardware and may raise its own fault), then delivery to the guest's handler ({@link TrapBounce}). {@code int3}, {@code int $3} and
     * {@code int $4} use Xen's DPL-3 gates and arrive as #BP/#OF; {@code int $0x80} is delivered
     * when the guest has a handler for it (Xen's direct trap); any other {@code int n} is
     * delivered when the trap-info DPL allows the guest kernel (DPL &gt;= 1), and otherwise
     * becomes #GP(n * 8 + 2) at the instruction. #NM clears the virtual CR0.TS, as Xen's ABI does.
     */
    @Override
    public void fault(X86Cpu c, X86Fault fault) {
        pv.enterHypervisor();
        try {
            handleFault(c, fault);
        } finally {
            leaveHypervisor(c);
        }
    }

    private void handleFault(X86Cpu c, X86Fault fault) {
        boolean stepping = (c.rflags() & X86Rflags.TF) != 0;
        if (XenForcedEmulation.isForcedCpuid(c, fault)) {
            if (pv.cpuidFaulting() && !vcpu.inKernelMode()) {
                c.setRip(c.rip() + XenForcedEmulation.PREFIX_LENGTH);
                bounce.exception(c, fault, X86Fault.GP, 0);
                return;
            }
            XenForcedEmulation.emulate(c, domain.cpuidPolicy());
            emulated(c, stepping);
            return;
        }
        if (WritablePageTables.tryEmulate(c, fault, vcpu, PvMmu.of(domain))) {
            return;
        }
        int vector = fault.vector();
        if (fault.isSoftwareInterrupt()) {
            softwareInterrupt(c, fault, vector);
            return;
        }
        X86Fault raised = fault;
        if (vector == X86Fault.GP && fault.errorCode() == 0 && !fault.isSoftwareInterrupt()) {
            X86Instruction insn = RingThreeInstructions.decode(c);
            if (RingThreeInstructions.isSysenter(insn)) {
                FastSystemCalls.sysenter(c, pv, bounce);
                return;
            }
            if (SegmentInstructions.handles(insn)) {
                raised = SegmentInstructions.execute(c, vcpu, pv, insn);
                if (raised == null) {
                    emulated(c, stepping);
                    return;
                }
                bounce.exception(c, raised, raised.vector(), raised.errorCode());
                return;
            }
            raised = PrivilegedOps.execute(c, pv, vcpu, fault);
            if (raised == null) {
                emulated(c, stepping);
                return;
            }
            pv.takePendingDebug();
        }
        if (raised.vector() == X86Fault.NM) {
            c.setTaskSwitched(false);
        }
        bounce.exception(c, raised, raised.vector(), raised.errorCode());
    }

    /**
     * An emulated instruction completed (Xen's pv_emul_instruction_done and the end of
     * pv_emulate_privileged_op): RF clears, and a #DB follows when TF was set at its start
     * (DR6.BS) or it hit an I/O breakpoint.
     */
    private void emulated(X86Cpu c, boolean stepping) {
        c.setRflags(c.rflags() & ~X86Rflags.RF);
        long status = pv.takePendingDebug() | (stepping ? PvDebugRegisters.DR6_BS : 0);
        if (status != 0) {
            bounce.exception(c, X86Fault.debug(status), X86Fault.DB, 0);
        }
    }

    private void softwareInterrupt(X86Cpu c, X86Fault fault, int vector) {
        if (vector == X86Fault.BP || vector == X86Fault.OF) {
            bounce.exception(c, fault, vector, 0);
            return;
        }
        boolean delivered = vector == LEGACY_SYSCALL_VECTOR ? pv.trapAddress(vector) != 0
                : pv.trapDpl(vector) >= (vcpu.inKernelMode() ? 1 : 3);
        if (delivered) {
            bounce.softwareInterrupt(c, fault, vector);
            return;
        }
        c.setRip(c.rip() - INT_N_LENGTH);
        bounce.exception(c, fault, X86Fault.GP, (long) vector << 3 | X86_XEC_IDT);
    }

    /** The guest's GDT and LDT and Xen's reserved GDT page ({@link DescriptorTables}). */
    @Override
    public long segmentDescriptor(X86Cpu c, int selector) {
        return pv.descriptorTables().descriptor(c, selector);
    }

    @Override
    public X86CpuidPolicy cpuidPolicy() {
        return domain.cpuidPolicy();
    }

    /**
     * A guest kernel that turned CPUID faulting on (MSR_MISC_FEATURES_ENABLES) gets #GP(0) for
     * CPUID in its user mode, as Xen's CPUID emulation does; its own CPUID stays answered.
     */
    @Override
    public boolean cpuidFaults(X86Cpu c) {
        return pv.cpuidFaulting() && !vcpu.inKernelMode();
    }

    @Override
    public long timeStampCounter(X86Cpu c) {
        return domain.timeStampCounter();
    }

    /** TSC_AUX is 0 until the guest writes MSR_TSC_AUX (as in Xen, where it starts at 0). */
    @Override
    public int timeStampAux(X86Cpu c) {
        return pv.tscAux();
    }

    /**
     * Asked at a region exit or back edge (another thread raised an event, or the domain is
     * dying): the instruction boundary where a real interrupt would be taken.
     */
    @Override
    public void attention(X86Cpu c) {
        StepParts.stamp(StepParts.Step.ATTENDED);
        c.clearAttention();
        if (mmu == null) {
            mmu = PvMmu.of(domain);
        }
        mmu.flushIfRequested(c);
        if (domain.isDying()) {
            c.requestExit(domain.shutdownReasonOrCrash());
            return;
        }
        vcpu.schedulerAttention();
        deliverPendingEvents(c);
    }

    /**
     * Pending work after every hypercall: the event upcall, if one is due. Not when the vCPU is
     * leaving guest code (descheduled by SCHEDOP_block, preempted, stopping): whether it blocks is
     * decided on its pending events, so they are delivered when it next runs.
     */
    public static void deliverEventsAfterHypercall(HypercallContext context) {
        if (context.cpu().platform() instanceof PvEntry entry && !entry.domain.isDying() && !context.cpu().exitRequested()) {
            entry.deliverPendingEvents(context.cpu());
        }
    }

    /**
     * Xen's test_guest_events on the way back to the guest: when vcpu_info says an upcall is
     * pending and events are not masked, bounce to the event callback with events masked. Two
     * byte reads when nothing is pending. A vCPU that unmasks events without registering a
     * callback is bounced to address 0, as Xen does (its callback address is 0): the fetch there
     * faults into the guest's own #PF handler, or crashes a guest without one.
     */
    public void deliverPendingEvents(X86Cpu c) {
        if (vcpu.nmiPending() && deliverNmi(c)) {
            return;
        }
        var frames = domain.frames();
        Vcpu.VcpuInfoArea info = vcpu.vcpuInfoArea();
        if (info == null) {
            return;
        }
        long mfn = info.mfn();
        int offset = info.offset();
        if (frames.read8(mfn, offset + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING) == 0
                || frames.read8(mfn, offset + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK) != 0) {
            return;
        }
        bounce.eventUpcall(c, pv.callback(CallbackOp.CALLBACKTYPE_event));
        StepParts.stamp(StepParts.Step.UPCALL);
    }

    /**
     * Xen's process_nmi, checked before events: a pending NMI that is not masked is taken (the
     * pending bit cleared) and, when the guest registered an NMI callback, bounced to it with
     * NMIs masked until its HYPERVISOR_iret; without a callback it is dropped, as in Xen. True
     * when a bounce frame was built.
     */
    private boolean deliverNmi(X86Cpu c) {
        if (!vcpu.takeNmi() || pv.nmiCallback() == 0) {
            return false;
        }
        vcpu.setNmiMasked(true);
        bounce.nmi(c);
        return true;
    }
}
