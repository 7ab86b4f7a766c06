package dev.trufflexen.xen.hypercall;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.abi.AbiField;
import dev.trufflexen.xen.abi.AbiStruct;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * One vCPU's view of the hypercall it is making, reused for every hypercall of that vCPU (no
 * allocation on the hot path).
 *
 * <p><b>Arguments.</b> A 64-bit PV guest passes the number in RAX and up to six arguments in
 * RDI, RSI, RDX, R10, R8, R9. Xen's handlers declare C types for them ({@code int cmd},
 * {@code unsigned int count}, {@code XEN_GUEST_HANDLE(void) arg}); the accessors truncate the
 * 64-bit register to that type, so a guest's garbage in the upper bits means what it means to
 * Xen.
 *
 * <p><b>Guest memory.</b> Guest pointers are read and written only through the guest's own page
 * tables with its own permissions; a bad one is {@code XenError(EFAULT)}. Structures are copied
 * in once into a zeroed {@link GuestStruct} and only their OUT fields are copied back.
 *
 * <p><b>Continuations.</b> A long hypercall checks {@link #preemptionWanted} as it goes and, when
 * it must stop, returns {@link #createContinuation}: the dispatcher then rewinds RIP over the
 * {@code syscall} and leaves the updated arguments in the registers, so the guest re-issues the
 * hypercall where it left off after pending work has run (Xen's
 * {@code hypercall_create_continuation}).
 */
public final class HypercallContext {
    /** Registers carrying arguments 0-5 of a 64-bit PV hypercall. */
    private static final int[] ARG_REGISTERS = {X86Reg.RDI, X86Reg.RSI, X86Reg.RDX, X86Reg.R10, X86Reg.R8, X86Reg.R9};
    /** Units of work (e.g. console chunks) a hypercall may do before it offers to be preempted. */
    public static final int WORK_BUDGET = 64;

    private final Vcpu vcpu;
    private final long[] args = new long[ARG_REGISTERS.length];
    private GuestStruct[] structs = new GuestStruct[16];
    private X86Cpu cpu;
    private long number;
    private long rip;
    private int work;
    private boolean continuation;
    private long continuations;
    private HypercallDispatcher dispatcher;
    private boolean inMulticall;
    private long startNanos;

    public HypercallContext(Vcpu vcpu) {
        this.vcpu = vcpu;
    }

    /** Loads the hypercall the vCPU's CPU has just made (outside a dispatcher: no sub-calls). */
    void begin(X86Cpu c) {
        begin(c, null);
    }

    /** Loads the hypercall the vCPU's CPU has just made, dispatched {@code by}. */
    void begin(X86Cpu c, HypercallDispatcher by) {
        // Stored only when they change (never, for one vCPU's hypercalls): a reference store
        // into this long-lived object costs G1's post-write barrier, with a StoreLoad fence,
        // on every hypercall.
        if (cpu != c) {
            cpu = c;
        }
        if (dispatcher != by) {
            dispatcher = by;
        }
        number = c.reg(X86Reg.RAX);
        rip = c.rip() - 2;
        for (int i = 0; i < args.length; i++) {
            args[i] = c.reg(ARG_REGISTERS[i]);
        }
        work = 0;
        continuation = false;
    }

    /** Notes when the hypercall began ({@link System#nanoTime}), for a dispatcher that times hypercalls. */
    void noteStart(long nanos) {
        startNanos = nanos;
    }

    /** When this hypercall began, by {@link System#nanoTime}; 0 unless the dispatcher times hypercalls. */
    public long startNanos() {
        return startNanos;
    }

    /** Finishes the hypercall: the result in RAX, or the continuation in RIP and the argument registers. */
    void finish(long result) {
        if (continuation) {
            cpu.setRip(rip);
            cpu.setReg(X86Reg.RAX, number);
            for (int i = 0; i < args.length; i++) {
                cpu.setReg(ARG_REGISTERS[i], args[i]);
            }
            continuations++;
        } else {
            cpu.setReg(X86Reg.RAX, result);
        }
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    public Domain domain() {
        return vcpu.domain();
    }

    public X86Cpu cpu() {
        return cpu;
    }

    /** The hypercall number as the guest passed it in RAX. */
    public long number() {
        return number;
    }

    /** Address of the {@code syscall} instruction that made this hypercall. */
    public long rip() {
        return rip;
    }

    /** Argument {@code i} as a C {@code int}. */
    public int intArg(int i) {
        return (int) args[i];
    }

    /** Argument {@code i} as a C {@code unsigned int}, zero-extended. */
    public long uintArg(int i) {
        return args[i] & 0xFFFF_FFFFL;
    }

    /** Argument {@code i} as a C {@code unsigned long} / {@code xen_ulong_t}. */
    public long ulongArg(int i) {
        return args[i];
    }

    /** Argument {@code i} as a guest handle (a guest virtual address). */
    public long handleArg(int i) {
        return args[i];
    }

    /** Copies {@code layout} in from guest address {@code handle}; EFAULT when any byte is unreadable. */
    public GuestStruct copyIn(long handle, AbiStruct layout) {
        GuestStruct struct = scratch(layout);
        copyFromGuest(handle, struct.bytes, 0, struct.bytes.length);
        return struct;
    }

    /** A zeroed structure to fill and {@link #copyOut} (for structures that are OUT only). */
    public GuestStruct blank(AbiStruct layout) {
        return scratch(layout);
    }

    /** Copies the OUT fields of {@code struct} to guest address {@code handle}; EFAULT, and nothing written, on a bad address. */
    public void copyOut(long handle, GuestStruct struct) {
        byte[] bytes = struct.bytes;
        int start = -1;
        int end = -1;
        for (AbiField field : struct.layout().fields()) {
            if (field.direction().isOut()) {
                start = start < 0 ? field.offset() : Math.min(start, field.offset());
                end = Math.max(end, field.end());
            }
        }
        if (start < 0) {
            return;
        }
        if (cpu.translate(handle + start, true) < 0 || cpu.translate(handle + end - 1, true) < 0) {
            throw fault(handle + start, end - start);
        }
        for (AbiField field : struct.layout().fields()) {
            if (field.direction().isOut()) {
                copyToGuest(handle + field.offset(), bytes, field.offset(), field.size());
            }
        }
    }

    /**
     * Xen's {@code access_ok} for a 64-bit PV guest pointer: it must start below 2^47 or at or
     * above HYPERVISOR_VIRT_END, so the hypervisor's range (the read-only M2P included) is never
     * a hypercall argument even where the guest can read it.
     */
    public static boolean accessOk(long address) {
        return Long.compareUnsigned(address, 1L << 47) < 0 || Long.compareUnsigned(address, X86Pv.HYPERVISOR_VIRT_END) >= 0;
    }

    /** copy_from_guest: EFAULT when the pointer fails {@link #accessOk} or any byte is not readable with the guest's permissions. */
    public void copyFromGuest(long address, byte[] into, int offset, int length) {
        if (!accessOk(address) || !cpu.copyFromGuest(address, into, offset, length)) {
            throw fault(address, length);
        }
    }

    /** copy_to_guest: EFAULT (and nothing written) when the pointer fails {@link #accessOk} or any byte is not writable. */
    public void copyToGuest(long address, byte[] from, int offset, int length) {
        if (!accessOk(address) || !cpu.copyToGuest(address, from, offset, length)) {
            throw fault(address, length);
        }
    }

    private static XenError fault(long address, int length) {
        return new XenError(XenErrno.EFAULT, String.format("bad guest address %#x (%d bytes)", address, length));
    }

    private GuestStruct scratch(AbiStruct layout) {
        int id = layout.id();
        if (id >= structs.length) {
            structs = java.util.Arrays.copyOf(structs, Math.max(id + 1, structs.length * 2));
        }
        GuestStruct struct = structs[id];
        if (struct == null) {
            struct = new GuestStruct(layout);
            structs[id] = struct;
        }
        return struct.clear();
    }

    /**
     * Counts {@code units} of work done; true when the hypercall should stop and continue later:
     * its work budget is spent or the vCPU has been asked to attend to something (a shutdown, an
     * event, the host).
     */
    public boolean preemptionWanted(int units) {
        work += units;
        return work >= WORK_BUDGET || cpu.attentionRequested();
    }

    /**
     * Ends this piece of the hypercall: the guest re-issues it with argument {@code i} replaced
     * by {@code newArgs[i]} (arguments beyond {@code newArgs} unchanged). Return its value from
     * the handler.
     */
    public long createContinuation(long... newArgs) {
        System.arraycopy(newArgs, 0, args, 0, newArgs.length);
        continuation = true;
        return 0;
    }

    /** The dispatcher running this hypercall (a multicall makes its sub-calls through it). */
    public HypercallDispatcher dispatcher() {
        return dispatcher;
    }

    /** Xen's _MCSF_in_multicall: set while this vCPU runs a multicall; returns the previous value. */
    public boolean enterMulticall() {
        boolean was = inMulticall;
        inMulticall = true;
        return was;
    }

    public void leaveMulticall() {
        inMulticall = false;
    }

    /**
     * Runs {@code handler} as a sub-call with {@code subArgs} in place of this call's arguments,
     * then puts this call's back. Returns the sub-call's result; when the sub-call asked to
     * continue, {@code subArgs} receives its updated arguments and {@code continued[0]} is true
     * (this call itself is not marked as continuing).
     */
    long invokeNested(Hypercall handler, long subNumber, long[] subArgs, boolean[] continued) {
        long savedNumber = number;
        long[] saved = args.clone();
        boolean savedContinuation = continuation;
        number = subNumber;
        System.arraycopy(subArgs, 0, args, 0, args.length);
        continuation = false;
        try {
            long result = handler.invoke(this);
            continued[0] = continuation;
            if (continuation) {
                System.arraycopy(args, 0, subArgs, 0, args.length);
            }
            return result;
        } finally {
            number = savedNumber;
            System.arraycopy(saved, 0, args, 0, args.length);
            continuation = savedContinuation;
        }
    }

    /** True when the handler asked to continue later. */
    public boolean isContinuation() {
        return continuation;
    }

    /** How many continuations this vCPU has made. */
    public long continuations() {
        return continuations;
    }
}
