package dev.trufflexen.x86.selftest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Disassembler;
import dev.trufflexen.x86.decoder.X86Instruction;

/**
 * The CPU differential tester: the host CPU is the oracle. Each generated {@link CpuCase} runs
 * natively in the {@link NativeCpuOracle} child process and on a TruffleXen {@code X86Cpu} from
 * the same state; registers, RIP, flags (less those {@link UndefinedFlags} calls undefined),
 * the data page and the exception (vector; error code for #PF and #GP; CR2 for #PF) must agree.
 *
 * <p>Used by {@code txl selftest cpu} and by the test suite (which tolerates only the forms
 * {@link KnownDifferences} lists). Runs are reproducible: the same seed gives the same cases.
 */
public final class CpuDifferentialTester implements AutoCloseable {
    /** Linux's TASK_SIZE_MAX on x86-64 (4-level paging): user addresses end here. */
    private static final long USER_ADDRESS_LIMIT = 0x7FFF_FFFF_F000L;
    private final NativeCpuOracle oracle;
    private final X86Engine engine;
    private final TruffleXenCpuRunner truffleXen;

    /**
     * Engine options of the compiled mode: every region is compiled before its first run, in the
     * foreground, and a failed compilation is an error rather than a silent fallback to the
     * interpreter. Every call counts ({@code x86.MinCompileRate} 0): a case's code runs once, far
     * below the rate at which a region's calls start to count by default.
     */
    private static final long TIMEOUT_MILLIS = 5_000;
    private static final long COMPILED_TIMEOUT_MILLIS = 300_000;
    private static final Map<String, String> COMPILE_IMMEDIATELY = Map.of(
            "engine.CompileImmediately", "true",
            "engine.BackgroundCompilation", "false",
            "engine.CompilationFailureAction", "Throw",
            "x86.MinCompileRate", "0");

    /** Starts the native oracle and an interpreter-only engine (each case's code runs once). */
    public CpuDifferentialTester() throws IOException {
        this(false);
    }

    /**
     * Starts the native oracle and an engine that interprets each case ({@code compiled} false) or
     * compiles each case's region before it runs ({@code compiled} true; needs the Graal compiler).
     */
    public CpuDifferentialTester(boolean compiled) throws IOException {
        this.oracle = new NativeCpuOracle();
        this.engine = compiled ? X86Engine.create(false, false, COMPILE_IMMEDIATELY) : X86Engine.create(true, false);
        int[] selectors = new int[X86Segment.COUNT];
        for (int s = 0; s < X86Segment.COUNT; s++) {
            selectors[s] = oracle.selector(s);
        }
        // A compiled case first waits for its compilation (the compiler's own warm-up makes the first ones slow).
        this.truffleXen = new TruffleXenCpuRunner(engine, oracle.fsBase(), selectors, compiled ? COMPILED_TIMEOUT_MILLIS : TIMEOUT_MILLIS);
    }

    /**
     * Runs {@code cases} cases generated from {@code seed}, keeping the first {@code keep}
     * mismatches in full; {@code progress} sees the number of cases done.
     */
    public CpuSelftestSummary run(int cases, long seed, int keep, IntConsumer progress) throws IOException {
        return run(cases, seed, 0, keep, progress);
    }

    /**
     * Runs {@code cases} cases generated from {@code seed}, starting at the first whose number is
     * {@code firstCase} or more (the number a failure prints): the cases before it are generated,
     * which keeps the seed's sequence, but not run. One failing case of a long run reruns alone.
     */
    public CpuSelftestSummary run(int cases, long seed, long firstCase, int keep, IntConsumer progress) throws IOException {
        CpuCaseGenerator generator = new CpuCaseGenerator(seed, oracle.fsBase());
        CpuSelftestSummary summary = new CpuSelftestSummary(keep);
        for (int n = 0; n < cases; n++) {
            CpuCase c = generator.next();
            while (c.number() < firstCase) {
                c = generator.next();
            }
            runCase(c, summary);
            if (progress != null) {
                progress.accept(n + 1);
            }
        }
        return summary;
    }

    /**
     * The compiled-mode slice: up to {@code sequences} instruction sequences generated from
     * {@code seed}, each run once per position with a fault injected there
     * ({@link CpuFaultInjection}), stopping early at {@code deadlineNanos} ({@link System#nanoTime});
     * {@code progress} sees the number of sequences done. Meant for a tester built with
     * {@code compiled} true, so that every case runs as a compiled region and leaves it through
     * a compiled exit path.
     */
    public CpuSelftestSummary runFaultInjected(int sequences, long seed, int keep, long deadlineNanos, IntConsumer progress)
            throws IOException {
        return runFaultInjected(sequences, seed, 0, keep, deadlineNanos, progress);
    }

    /** {@link #runFaultInjected(int, long, int, long, IntConsumer)} from the first sequence numbered {@code firstCase} or more. */
    public CpuSelftestSummary runFaultInjected(int sequences, long seed, long firstCase, int keep, long deadlineNanos,
            IntConsumer progress) throws IOException {
        CpuCaseGenerator generator = new CpuCaseGenerator(seed, oracle.fsBase());
        CpuSelftestSummary summary = new CpuSelftestSummary(keep);
        for (int n = 0; n < sequences && System.nanoTime() - deadlineNanos < 0; n++) {
            CpuCase sequence = generator.nextSequence();
            while (sequence.number() < firstCase) {
                sequence = generator.nextSequence();
            }
            for (CpuCase c : CpuFaultInjection.atEachPosition(sequence)) {
                runCase(c, summary);
            }
            if (progress != null) {
                progress.accept(n + 1);
            }
        }
        return summary;
    }

    private void runCase(CpuCase c, CpuSelftestSummary summary) throws IOException {
        CpuOutcome host;
        try {
            host = oracle.run(c);
        } catch (IOException e) {
            summary.skip(); // the case broke the runner; the next case restarts it
            return;
        }
        if (host.timedOut()) {
            summary.skip();
            return;
        }
        judge(c, host, truffleXen.run(c), oracle::run, summary);
    }

    /** The host CPU running a case again ({@link NativeCpuOracle#run}). */
    @FunctionalInterface
    interface HostRun {
        CpuOutcome run(CpuCase c) throws IOException;
    }

    /**
     * Counts case {@code c} in {@code summary}: passed when TruffleXen's outcome is the host's. A
     * mismatch is confirmed first by running the case on the host once more: when the host's two
     * outcomes differ, the host is no oracle for this case and it is counted apart
     * ({@link CpuSelftestSummary#hostUnsteady}), not as a failure. Only cases that differ
     * already ask, so a million-case run pays for few second runs.
     */
    static void judge(CpuCase c, CpuOutcome host, CpuOutcome ours, HostRun again, CpuSelftestSummary summary) {
        List<String> differences = compare(c, host, ours);
        if (differences.isEmpty()) {
            summary.pass(c.form());
        } else if (hostDisagreesWithItself(c, host, again)) {
            summary.hostUnsteady(c);
        } else {
            summary.fail(new CpuMismatch(c, disassemble(c), host, ours, differences));
        }
    }

    /** Whether the host, running {@code c} again, gives another outcome than {@code host}; false when the runner dies. */
    private static boolean hostDisagreesWithItself(CpuCase c, CpuOutcome host, HostRun again) {
        try {
            return !compare(c, host, again.run(c)).isEmpty();
        } catch (IOException e) {
            return false; // no second outcome: the first stands
        }
    }

    static String disassemble(CpuCase c) {
        return X86Disassembler.disassemble(c.code(), 0, c.rip()).text();
    }

    static List<String> compare(CpuCase c, CpuOutcome host, CpuOutcome ours) {
        List<String> d = new ArrayList<>();
        if (host.vector() != ours.vector()) {
            d.add("exception: host " + vectorName(host.vector()) + ", TruffleXen " + vectorName(ours.vector()));
        } else if (host.vector() == X86Fault.PF) {
            if (host.faultAddress() != ours.faultAddress()) {
                d.add(String.format("#PF address: host 0x%x, TruffleXen 0x%x", host.faultAddress(), ours.faultAddress()));
            }
            // Linux sets the present bit for faults on kernel-half addresses (it hides whether
            // the page exists), so that bit is only compared below the user address limit.
            long compared = Long.compareUnsigned(host.faultAddress(), USER_ADDRESS_LIMIT) >= 0 ? 0x1E : 0x1F;
            if ((host.errorCode() & compared) != (ours.errorCode() & compared)) {
                d.add(String.format("#PF error code: host 0x%x, TruffleXen 0x%x", host.errorCode(), ours.errorCode()));
            }
        } else if (host.vector() == X86Fault.GP && host.errorCode() != ours.errorCode()) {
            d.add(String.format("#GP error code: host 0x%x, TruffleXen 0x%x", host.errorCode(), ours.errorCode()));
        }
        if (host.rip() != ours.rip()) {
            d.add(String.format("rip: host 0x%x, TruffleXen 0x%x", host.rip(), ours.rip()));
        }
        X86Instruction insn = X86Decoder.decode(c.code(), 0, c.rip());
        // Retired: the host stopped elsewhere than at the instruction (at the int3 after it, at
        // a branch target, or fetching past the page end).
        boolean completed = host.rip() != c.rip() && insn.isValid();
        long undefined = completed ? UndefinedFlags.of(insn, c.registers()) : 0;
        int undefinedRegister = -1;
        if (completed && UndefinedFlags.undefinedDestination(insn, c.registers()) && !insn.hasMemory()) {
            undefinedRegister = insn.rm();
        } else if (completed && (insn.opcode() == 0x1BC || insn.opcode() == 0x1BD) && !insn.hasPrefix(X86Instruction.PREFIX_REP)
                && (host.rflags() & X86Rflags.ZF) != 0) {
            undefinedRegister = insn.reg(); // BSF/BSR of zero: destination undefined
        }
        long mask = SelftestLayout.COMPARED_FLAGS & ~undefined;
        if ((host.rflags() & mask) != (ours.rflags() & mask)) {
            d.add(String.format("flags: host %s, TruffleXen %s", SelftestFormat.flags(host.rflags() & mask),
                    SelftestFormat.flags(ours.rflags() & mask)));
        }
        for (int r = 0; r < X86Reg.COUNT; r++) {
            if (r != undefinedRegister && host.registers()[r] != ours.registers()[r]) {
                d.add(String.format("%s: host 0x%x, TruffleXen 0x%x", X86Reg.name(r), host.registers()[r], ours.registers()[r]));
            }
        }
        boolean undefinedMemory = completed && insn.hasMemory() && UndefinedFlags.undefinedDestination(insn, c.registers());
        int firstByte = undefinedMemory ? SelftestLayout.PAGE : -1;
        int differing = 0;
        for (int i = 0; i < SelftestLayout.PAGE && !undefinedMemory; i++) {
            if (host.data()[i] != ours.data()[i]) {
                differing++;
                if (firstByte < 0) {
                    firstByte = i;
                }
            }
        }
        if (differing > 0) {
            d.add(String.format("memory: %d bytes differ, first at 0x%x (host %02x, TruffleXen %02x)", differing,
                    SelftestLayout.DATA + firstByte, host.data()[firstByte] & 0xFF, ours.data()[firstByte] & 0xFF));
        }
        FpuComparison.compare(host.fpu(), ours.fpu(), d);
        return d;
    }

    private static String vectorName(int vector) {
        return vector == CpuOutcome.TIMEOUT ? "none (did not stop)" : X86Fault.of(vector).mnemonic();
    }

    @Override
    public void close() {
        truffleXen.close();
        engine.close();
        oracle.close();
    }
}
