package dev.trufflexen.x86.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86CpuidPolicy;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86HaltDetector;
import dev.trufflexen.x86.cpu.X86Platform;

/**
 * A platform for tests: records every callback with the RIP it saw. By default HLT (its #GP(0)) and faults
 * stop the CPU ({@code run()} returns "halt" or the {@link X86Fault}), syscalls and attention
 * return to the guest; tests may install their own syscall handler.
 */
public final class X86RecordingPlatform implements X86Platform {
    public record Event(String kind, long rip, X86Fault fault) {
    }

    public final List<Event> events = new ArrayList<>();
    public final List<X86Fault> faults = new ArrayList<>();
    public int syscalls;
    public int halts;
    public int attentions;
    private Consumer<X86Cpu> syscallHandler = cpu -> {
    };
    private Consumer<X86Cpu> attentionHandler = X86Cpu::clearAttention;
    private boolean stopOnFault = true;

    public X86RecordingPlatform onSyscall(Consumer<X86Cpu> handler) {
        this.syscallHandler = handler;
        return this;
    }

    /** Replaces what attention does (by default it only clears the request). */
    public X86RecordingPlatform onAttention(Consumer<X86Cpu> handler) {
        this.attentionHandler = handler;
        return this;
    }

    public X86RecordingPlatform continueAfterFaults() {
        this.stopOnFault = false;
        return this;
    }

    @Override
    public void syscall(X86Cpu cpu) {
        syscalls++;
        events.add(new Event("syscall", cpu.rip(), null));
        syscallHandler.accept(cpu);
    }

    @Override
    public void fault(X86Cpu cpu, X86Fault fault) {
        if (X86HaltDetector.isHalt(cpu, fault)) {
            halts++;
            events.add(new Event("halt", cpu.rip(), null));
            cpu.requestExit("halt");
            return;
        }
        faults.add(fault);
        events.add(new Event("fault", cpu.rip(), fault));
        if (stopOnFault) {
            cpu.requestExit(fault);
        }
    }

    @Override
    public void attention(X86Cpu cpu) {
        attentions++;
        attentionHandler.accept(cpu);
    }

    public X86Fault lastFault() {
        return faults.isEmpty() ? null : faults.get(faults.size() - 1);
    }

    /** What RDTSC/RDTSCP read (tests set it). */
    public long timeStampCounter = 0x1234_5678_9ABC_DEF0L;
    /** What RDTSCP loads into ECX. */
    public int timeStampAux;
    /** What CPUID executes from. */
    public X86CpuidPolicy cpuidPolicy = X86CpuidPolicy.standard();

    @Override
    public long timeStampCounter(X86Cpu cpu) {
        return timeStampCounter;
    }

    @Override
    public int timeStampAux(X86Cpu cpu) {
        return timeStampAux;
    }

    @Override
    public X86CpuidPolicy cpuidPolicy() {
        return cpuidPolicy;
    }
}
