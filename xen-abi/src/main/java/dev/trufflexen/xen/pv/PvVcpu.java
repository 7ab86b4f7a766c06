package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Fault;

/**
 * The x86-64 PV state of one vCPU that Xen keeps in {@code struct pv_vcpu}: the virtual IDT
 * ({@code trap_ctxt}, filled by {@code set_trap_table}), the callbacks registered with
 * {@code callback_op} or {@code set_callbacks}, the user GS base that the kernel's
 * {@code swapgs} would bring in ({@code gs_base_user}), the virtual control registers
 * ({@code ctrlreg[2]}, {@code ctrlreg[4]}), the virtual IOPL and I/O bitmap, the MSRs a guest may
 * write, the debug registers, and its kernel base table ({@code guest_table}). Read and written
 * on the vCPU's own thread only (hypercalls and faults of that vCPU), except the TLB flush
 * requests other vCPUs post ({@link TlbShootdown}) and the initialisation of an offline vCPU
 * (VCPUOP_initialise), which happens before its thread runs.
 */
public final class PvVcpu {
    /** Vectors of the virtual IDT. */
    public static final int VECTORS = 256;
    /** One more than the largest CALLBACKTYPE_* (syscall32, 7). */
    public static final int CALLBACK_TYPES = 8;

    private final byte[] trapFlags = new byte[VECTORS];
    private final short[] trapCs = new short[VECTORS];
    private final long[] trapAddress = new long[VECTORS];

    /** Callback addresses and their CALLBACKF_mask_events, indexed by CALLBACKTYPE_* (the NMI's is in the IDT). */
    private final long[] callbacks = new long[CALLBACK_TYPES];
    private final boolean[] callbackMasksEvents = new boolean[CALLBACK_TYPES];
    private final DescriptorTables descriptorTables = new DescriptorTables();
    private long gsBaseUser;
    private long gsBaseKernel;
    private long userTableMfn;
    private long cr2;
    private long cr4 = PvControlRegisters.fixupCr4(0);
    /** The virtual IOPL in RFLAGS position (bits 12-13), as Xen's {@code pv.iopl}. */
    private int iopl;
    private long ioBitmap;
    private int ioBitmapPorts;
    private boolean cpuidFaulting;
    private int tscAux;
    private final PvDebugRegisters debugRegisters = new PvDebugRegisters();
    /** DR6 bits (positive polarity) of a #DB owed after the instruction being emulated. */
    private long pendingDebug;
    private long kernelCr3;
    private long kernelTableMfn;
    /** Flush tickets: requested by any thread, done by the vCPU's own thread (see {@link TlbShootdown}). */
    private final java.util.concurrent.atomic.AtomicLong flushRequested = new java.util.concurrent.atomic.AtomicLong();
    private volatile long flushDone;
    /** True while the vCPU's thread is in the hypervisor (a hypercall or a fault), not running guest code. */
    private volatile boolean inHypervisor;
    private long kernelSs;
    private long kernelSp;

    /** One trap_info entry: {@code flags} bits 0-1 the DPL allowed to {@code int n}, bit 2 mask events. */
    public void setTrap(int vector, int flags, int cs, long address) {
        trapFlags[vector] = (byte) flags;
        trapCs[vector] = (short) cs;
        trapAddress[vector] = address;
    }

    /** A null table handle clears the whole virtual IDT. */
    public void clearTraps() {
        java.util.Arrays.fill(trapFlags, (byte) 0);
        java.util.Arrays.fill(trapCs, (short) 0);
        java.util.Arrays.fill(trapAddress, 0);
    }

    /** The handler of {@code vector}; 0 means none (Xen's null_trap_bounce for 64-bit guests). */
    public long trapAddress(int vector) {
        return trapAddress[vector];
    }

    public int trapCs(int vector) {
        return trapCs[vector] & 0xFFFF;
    }

    public int trapFlags(int vector) {
        return trapFlags[vector] & 0xFF;
    }

    /** TI_GET_DPL: the lowest privilege allowed to reach the vector with {@code int n}. */
    public int trapDpl(int vector) {
        return trapFlags[vector] & 3;
    }

    /** TI_GET_IF: deliver with events masked. */
    public boolean trapMasksEvents(int vector) {
        return (trapFlags[vector] & 4) != 0;
    }

    /** The NMI callback is the trap_info of vector 2 (Xen's register_guest_nmi_callback). */
    public long nmiCallback() {
        return trapAddress[2];
    }

    /** The address registered for callback {@code type} (a CALLBACKTYPE_* other than nmi), 0 when none. */
    public long callback(int type) {
        return callbacks[type];
    }

    /** Whether callback {@code type} is entered with events masked (Xen's VGCF_*_disables_events). */
    public boolean callbackMasksEvents(int type) {
        return callbackMasksEvents[type];
    }

    public void setCallback(int type, long address, boolean masksEvents) {
        callbacks[type] = address;
        callbackMasksEvents[type] = masksEvents;
    }

    /** The user-mode GS base while the kernel runs (MSR_SHADOW_GS_BASE as the guest sees it). */
    public long gsBaseUser() {
        return gsBaseUser;
    }

    public void setGsBaseUser(long base) {
        this.gsBaseUser = base;
    }

    /** The GDT and LDT the vCPU's selectors name (set_gdt, MMUEXT_SET_LDT). */
    public DescriptorTables descriptorTables() {
        return descriptorTables;
    }

    /** The kernel GS base while guest user mode runs (the CPU holds the user's then). */
    public long gsBaseKernel() {
        return gsBaseKernel;
    }

    public void setGsBaseKernel(long base) {
        this.gsBaseKernel = base;
    }

    /** CR3 of the guest kernel (Xen's {@code guest_table}), kept while user mode runs on the user L4. */
    long kernelCr3() {
        return kernelCr3;
    }

    void setKernelCr3(long cr3) {
        this.kernelCr3 = cr3;
    }

    /** The kernel base table's frame (Xen's {@code guest_table}, the L4 of NEW_BASEPTR), 0 when none. */
    public long kernelTableMfn() {
        return kernelTableMfn;
    }

    void setKernelTableMfn(long mfn) {
        this.kernelTableMfn = mfn;
    }

    /** Posts a request for a full TLB flush (any thread); returns its ticket. */
    long requestFlush() {
        return flushRequested.incrementAndGet();
    }

    /** True once the vCPU has flushed for {@code ticket}. */
    boolean flushedFor(long ticket) {
        return flushDone >= ticket;
    }

    /** The newest flush ticket not yet honoured, 0 when none; the vCPU's own thread then calls {@link #flushed}. */
    long pendingFlush() {
        long requested = flushRequested.get();
        return requested > flushDone ? requested : 0;
    }

    void flushed(long ticket) {
        flushDone = ticket;
    }

    boolean inHypervisor() {
        return inHypervisor;
    }

    /**
     * Entering needs no fence: an issuer that reads the old false waits for a flush the vCPU
     * then makes on its way out anyway. Leaving is a volatile store, ordered before the vCPU's
     * look for requests ({@link TlbShootdown#honour}) as the issuer's ticket is before its read.
     */
    void enterHypervisor() {
        IN_HYPERVISOR.setRelease(this, true);
    }

    void leaveHypervisor() {
        inHypervisor = false;
    }

    private static final java.lang.invoke.VarHandle IN_HYPERVISOR;
    static {
        try {
            IN_HYPERVISOR = java.lang.invoke.MethodHandles.lookup().findVarHandle(PvVcpu.class, "inHypervisor", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The stack selector {@code stack_switch} registered (RPL forced to 3; 64-bit bounces use FLAT_KERNEL_SS). */
    public long kernelSs() {
        return kernelSs;
    }

    /** The kernel stack pointer on which the next user-to-kernel transition builds its frame ({@code stack_switch}). */
    public long kernelSp() {
        return kernelSp;
    }

    void setKernelStack(long ss, long sp) {
        this.kernelSs = ss;
        this.kernelSp = sp;
    }

    /**
     * The machine frame of the guest's user-mode L4 table (Xen's {@code guest_table_user}, set by
     * MMUEXT_NEW_USER_BASEPTR), loaded into CR3 while the vCPU is in guest user mode; 0 when none.
     */
    public long userTableMfn() {
        return userTableMfn;
    }

    public void setUserTableMfn(long mfn) {
        this.userTableMfn = mfn;
    }

    /** {@code ctrlreg[2]}: what {@code mov %cr2} reads (set by #PF delivery and {@code mov} to CR2). */
    public long cr2() {
        return cr2;
    }

    public void setCr2(long cr2) {
        this.cr2 = cr2;
    }

    /** {@code ctrlreg[4]}: the guest-visible CR4. */
    public long cr4() {
        return cr4;
    }

    void setCr4(long cr4) {
        this.cr4 = cr4;
    }

    /** The virtual IOPL, 0-3 (PHYSDEVOP_set_iopl). */
    public int iopl() {
        return iopl;
    }

    public void setIopl(int iopl) {
        this.iopl = iopl;
    }

    /** The guest address of the I/O bitmap (PHYSDEVOP_set_iobitmap) and how many ports it covers. */
    public long ioBitmap() {
        return ioBitmap;
    }

    public int ioBitmapPorts() {
        return ioBitmapPorts;
    }

    public void setIoBitmap(long address, int ports) {
        this.ioBitmap = address;
        this.ioBitmapPorts = ports;
    }

    /** MSR_MISC_FEATURES_ENABLES.CPUID_FAULTING. */
    public boolean cpuidFaulting() {
        return cpuidFaulting;
    }

    void setCpuidFaulting(boolean cpuidFaulting) {
        this.cpuidFaulting = cpuidFaulting;
    }

    /** MSR_TSC_AUX, 0 until the guest writes it (RDTSCP loads it into ECX). */
    public int tscAux() {
        return tscAux;
    }

    void setTscAux(int tscAux) {
        this.tscAux = tscAux;
    }

    PvDebugRegisters debugRegisters() {
        return debugRegisters;
    }

    long pendingDebug() {
        return pendingDebug;
    }

    void addPendingDebug(long bits) {
        pendingDebug |= bits;
    }

    /** The pending #DB status bits, cleared. */
    long takePendingDebug() {
        long bits = pendingDebug;
        pendingDebug = 0;
        return bits;
    }

    /**
     * The #GP error code for a bad selector: its index and table bit, with EXT and IDT clear (so
     * a null selector, 0-3, gives 0).
     */
    public static long selectorErrorCode(int selector) {
        return selector & 0xFFFC;
    }

    /** Xen's is_canonical_address: bits 63-47 all equal. */
    public static boolean isCanonical(long address) {
        return (address << 16 >> 16) == address;
    }

    /** Vectors for which the processor pushes an error code (Xen's X86_EXC_HAVE_EC). */
    public static boolean hasErrorCode(int vector) {
        return vector < 32 && (HAVE_ERROR_CODE & (1 << vector)) != 0;
    }

    private static final int HAVE_ERROR_CODE = 1 << X86Fault.DF | 1 << X86Fault.TS | 1 << X86Fault.NP | 1 << X86Fault.SS
            | 1 << X86Fault.GP | 1 << X86Fault.PF | 1 << X86Fault.AC | 1 << 21 | 1 << 29 | 1 << 30;
}
