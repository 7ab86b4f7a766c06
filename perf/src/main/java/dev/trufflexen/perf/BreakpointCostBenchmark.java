package dev.trufflexen.perf;

import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.trufflexen.launcher.debug.DomainDebugger;
import dev.trufflexen.launcher.debug.ElfSymbols;
import dev.trufflexen.x86.runtime.X86CodeCache;

/**
 * What breakpoints cost guest code: nanoseconds per round of the debugee's hot loop
 * ({@code spin}, run in batches of calls of 64 rounds with {@code bench=N}) with no debugger ({@code none}), with a
 * debugger attached but no breakpoint ({@code unarmed}), and with a breakpoint on
 * {@code page_neighbour}, a function in spin's page that never runs ({@code armed}). Unarmed
 * must not change the compiled code; armed drops and retranslates the regions of that one page,
 * and spin's retranslated loop must run as fast as before. At the end of each trial the
 * machine-code bytes of spin's compiled regions (from the engine's compilation trace) are
 * printed, and for armed how many of the live regions the breakpoint dropped.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BreakpointCostBenchmark {
    static final int ROUNDS = 64_000;
    private static final Pattern CODE_SIZE = Pattern.compile("opt done\\s+.*?\\bx86@([0-9a-f]+)\\b.*\\|CodeSize\\s+(\\d+)");

    @Param({"none", "unarmed", "armed"})
    public String breakpoints;

    private Debugee debugee;
    private long spin;
    private long spinEnd;
    private String armedNote = "";

    /** The debugee's batch domain, with its domain reachable for the debugger. */
    static final class Debugee extends GuestBatchDomain {
        Debugee() {
            super("debugee", "bench=" + ROUNDS);
        }

        DomainDebugger attachDebugger() {
            return DomainDebugger.attach(domain());
        }

        X86CodeCache codeCache() {
            return domain().vcpu0().cpu().codeCache();
        }
    }

    @Setup(Level.Trial)
    public void start() {
        ElfSymbols symbols = ElfSymbols.read(GuestImageFiles.kernel("debugee"));
        ElfSymbols.Symbol spinSymbol = symbols.named("spin").orElseThrow();
        long neighbour = symbols.named("page_neighbour").orElseThrow().address();
        if ((neighbour ^ spinSymbol.address()) >>> 12 != 0) {
            throw new IllegalStateException("page_neighbour is not in spin's page");
        }
        spin = spinSymbol.address();
        spinEnd = neighbour;
        debugee = new Debugee();
        debugee.runBatchOf(ROUNDS, "rounds"); // boots the guest and translates spin
        if (!breakpoints.equals("none")) {
            DomainDebugger debugger = debugee.attachDebugger();
            if (breakpoints.equals("armed")) {
                X86CodeCache cache = debugee.codeCache();
                int live = cache.regions().size();
                long before = cache.regionsInvalidated();
                debugger.insertBreakpoint(neighbour, DomainDebugger.BreakKind.SOFTWARE);
                armedNote = String.format("the breakpoint dropped %d of %d live regions (spin's page)",
                        cache.regionsInvalidated() - before, live);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long spinRound() {
        return debugee.runBatch();
    }

    @TearDown(Level.Trial)
    public void report() {
        try {
            CompilationLog log = debugee.compilationLog();
            TreeMap<String, String> spinCode = new TreeMap<>();
            Matcher m = CODE_SIZE.matcher(log.text());
            while (m.find()) {
                long entry = Long.parseUnsignedLong(m.group(1), 16);
                if (Long.compareUnsigned(entry, spin) >= 0 && Long.compareUnsigned(entry, spinEnd) < 0) {
                    spinCode.merge("x86@" + m.group(1), m.group(2), (a, b) -> a + "," + b);
                }
            }
            System.out.println();
            System.out.println("# breakpoints " + breakpoints + ": spin's compiled regions (machine-code bytes): " + spinCode
                    + (armedNote.isEmpty() ? "" : "; " + armedNote));
            System.out.println("# " + log.summary());
            log.requireCompiledRegions("debugee domain");
        } finally {
            debugee.close();
        }
    }
}
