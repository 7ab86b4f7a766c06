package dev.trufflexen.x86.cpu;

/**
 * What the CPU hands to the system it runs in: the hypervisor, or a test harness.
 *
 * <p>The CPU knows nothing of Xen. When guest code does something only the platform can answer
 * (a {@code syscall}, an exception, a privileged instruction such as {@code hlt}, which is #GP(0) at CPL 3), the CPU brings its
 * architectural state up to date in {@link X86Cpu} and calls one of these methods. The platform
 * reads and changes that state (registers, RIP, CR3, ...) and returns; the CPU then continues at
 * {@link X86Cpu#rip()}, unless {@link X86Cpu#requestExit} was called, in which case
 * {@link X86Cpu#run} returns.
 *
 * <p>These calls are slow paths: the CPU leaves compiled code through a Truffle boundary to make
 * them, and invalidates whatever the platform may have changed (a CR3 load flushes the TLB).
 */
public interface X86Platform {
    /**
     * A {@code syscall} instruction retired. {@code cpu.rip()} is the address after it; RCX and
     * R11 hold what the hardware would have put there (return RIP, RFLAGS).
     */
    void syscall(X86Cpu cpu);

    /**
     * The guest raised an exception or executed {@code int n}/{@code int3}/{@code into}.
     * {@code cpu.rip()} is the faulting instruction for faults and the next instruction for traps
     * and software interrupts ({@link X86Fault#isSoftwareInterrupt}).
     */
    void fault(X86Cpu cpu, X86Fault fault);

    /**
     * Called at region exits, loop back edges and after a {@link #syscall} that left RIP after the
     * instruction, when {@link X86Cpu#attentionRequested()} is set: the place to deliver pending
     * events or to stop a domain being destroyed.
     */
    void attention(X86Cpu cpu);

    /**
     * The CPUID policy guest code sees: CPUID is not privileged, so at CPL 3 it executes from
     * this policy without leaving guest code. A hypervisor adds its leaves (0x40000000 up) with
     * {@link X86CpuidPolicy#with}. Called on every CPUID, so return a stored policy.
     */
    default X86CpuidPolicy cpuidPolicy() {
        return X86CpuidPolicy.standard();
    }

    /**
     * CPUID faulting (MSR_MISC_FEATURES_ENABLES bit 0 as the platform applies it): when true, CPUID
     * raises #GP(0) at the instruction instead of executing. Called on every CPUID.
     */
    default boolean cpuidFaults(X86Cpu cpu) {
        return false;
    }

    /**
     * The guest's time-stamp counter, which RDTSC and RDTSCP read (CR4.TSD is never set, so
     * both run at CPL 3). It must not go backwards and should tick at a fixed rate.
     */
    default long timeStampCounter(X86Cpu cpu) {
        return System.nanoTime();
    }

    /** IA32_TSC_AUX as RDTSCP loads it into ECX (e.g. the vCPU number). */
    default int timeStampAux(X86Cpu cpu) {
        return 0;
    }

    /**
     * The 8-byte descriptor that {@code selector} names in the guest's GDT or LDT, read by the
     * unprivileged instructions that look at descriptor tables (LAR, LSL, VERR, VERW; the
     * architectural checks are the CPU's, {@link X86Descriptor}). 0 when the selector lies
     * beyond the table's limit or names an empty slot: the instructions treat both alike. Only
     * called for a non-null selector. The default platform has no tables.
     */
    default long segmentDescriptor(X86Cpu cpu, int selector) {
        return 0;
    }
}
