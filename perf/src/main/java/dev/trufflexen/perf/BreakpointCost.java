package dev.trufflexen.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.trufflexen.launcher.debug.DomainDebugger;
import dev.trufflexen.launcher.debug.ElfSymbols;
import dev.trufflexen.x86.runtime.X86CodeCache;

/**
 * What breakpoints cost guest code, through the debugee's hot loop ({@code spin}, run with
 * {@code bench=N} in batches of calls of 64 rounds): with no debugger ({@code none}), with a
 * debugger attached but no breakpoint ({@code unarmed}), with a breakpoint on {@code strstr}, a
 * function in another page that never runs ({@code elsewhere}), and with a breakpoint on
 * {@code page_neighbour}, a function in spin's page that never runs ({@code samepage}). Not JMH:
 * each run compiles on the guest's thread at fixed thresholds and waits until the bench loop is
 * compiled (spin's calls are translated into the region of their caller in the same page, so
 * every compiled region of that page counts), arms the breakpoint then (samepage drops the
 * regions of that one page; the run then waits for the loop to be compiled again, and reports
 * what that took), and measures the guest thread's CPU time per round over a fixed number of
 * batches, which holds on a machine shared with other work. The modes run alternately,
 * {@code runs} times each; per mode it prints every run, the median, the machine-code bytes of
 * the loop's region (from the engine's compilation trace) and how many live regions the
 * breakpoint dropped.
 *
 * <p>Usage: {@code BreakpointCost [runs [batches]]} (default 3 runs of 40 batches).
 */
public final class BreakpointCost {
    private static final int ROUNDS = 64_000;
    private static final long COMPILE_WAIT_NANOS = 300_000_000_000L;
    private static final Pattern DONE = Pattern.compile("opt done\\s+.*?\\bx86@([0-9a-f]+)\\b.*\\|CodeSize\\s+(\\d+)");

    /**
     * Compilations on the guest's thread, at fixed call counts: each run compiles the same code at
     * the same point, however loaded the machine is (in the background they may never finish).
     */
    private static final Map<String, String> ENGINE_OPTIONS = Map.of(
            "engine.BackgroundCompilation", "false",
            "engine.FirstTierCompilationThreshold", "50",
            "engine.LastTierCompilationThreshold", "100",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");

    /** One run's figures. */
    record Run(double cpuNanosPerRound, long loopCodeBytes, String note) {
    }

    /** The debugee's batch domain, with its domain reachable for the debugger. */
    static final class Debugee extends GuestBatchDomain {
        Debugee() {
            super("debugee", "bench=" + ROUNDS, ENGINE_OPTIONS);
        }

        DomainDebugger attachDebugger() {
            return DomainDebugger.attach(domain());
        }

        X86CodeCache codeCache() {
            return domain().vcpu0().cpu().codeCache();
        }
    }

    private final long spinPage;
    private final long neighbour;
    private final long elsewhere;
    /** The entry of the loop's region, as its last compilation named it. */
    private long loopEntry;

    private BreakpointCost() {
        ElfSymbols symbols = ElfSymbols.read(GuestImageFiles.kernel("debugee"));
        long spin = symbols.named("spin").orElseThrow().address();
        spinPage = spin >>> 12;
        neighbour = symbols.named("page_neighbour").orElseThrow().address();
        elsewhere = symbols.named("strstr").orElseThrow().address();
        if (neighbour >>> 12 != spinPage || elsewhere >>> 12 == spinPage) {
            throw new IllegalStateException("page_neighbour must share spin's page, strstr must not");
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        BreakpointCost cost = new BreakpointCost();
        Map<String, List<Run>> results = new LinkedHashMap<>();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        for (int run = 0; run < runs; run++) {
            for (String mode : List.of("none", "unarmed", "elsewhere", "samepage")) {
                Run r = cost.run(mode, batches);
                System.out.printf("run %d %-8s %8.3f ns/round (guest-thread CPU), loop code %d bytes %s%n", run + 1, mode,
                        r.cpuNanosPerRound(), r.loopCodeBytes(), r.note());
                results.computeIfAbsent(mode, m -> new ArrayList<>()).add(r);
            }
        }
        System.out.println("load average before: " + loadBefore + "; after: " + Files.readString(Path.of("/proc/loadavg")).strip());
        results.forEach((mode, list) -> {
            double[] values = list.stream().mapToDouble(Run::cpuNanosPerRound).sorted().toArray();
            System.out.printf("%-8s median %8.3f ns/round over %d runs; loop code bytes %s%n", mode, values[values.length / 2],
                    values.length, list.stream().map(r -> Long.toString(r.loopCodeBytes())).toList());
        });
    }

    private Run run(String mode, int batches) {
        try (Debugee debugee = new Debugee()) {
            long loopBytes = awaitLoopCompiled(debugee, 0);
            String note = "";
            if (!mode.equals("none")) {
                DomainDebugger debugger = debugee.attachDebugger();
                if (!mode.equals("unarmed")) {
                    X86CodeCache cache = debugee.codeCache();
                    int live = cache.regions().size();
                    long before = cache.regionsInvalidated();
                    int compiled = compilations(debugee);
                    debugger.insertBreakpoint(mode.equals("samepage") ? neighbour : elsewhere, DomainDebugger.BreakKind.SOFTWARE);
                    long dropped = cache.regionsInvalidated() - before;
                    boolean loopDropped = cache.regions().stream().noneMatch(r -> r.entryRip() == loopEntry);
                    note = String.format("(the breakpoint dropped %d of %d live regions, %s", dropped, live,
                            loopDropped ? "the loop's among them" : "not the loop's");
                    if (loopDropped) {
                        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                        long cpu = threads.getCurrentThreadCpuTime();
                        long wall = System.nanoTime();
                        loopBytes = awaitLoopCompiled(debugee, compiled);
                        note += String.format("; the loop ran compiled again after %.0f ms CPU, %.0f ms wall",
                                (threads.getCurrentThreadCpuTime() - cpu) / 1e6, (System.nanoTime() - wall) / 1e6);
                    }
                    note += ")";
                }
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < batches; i++) {
                debugee.runBatchOf(ROUNDS, "rounds");
            }
            long cpu = threads.getCurrentThreadCpuTime() - start;
            return new Run((double) cpu / ((long) batches * ROUNDS), loopBytes, note);
        }
    }

    /** The number of compilations of regions in spin's page so far. */
    private int compilations(Debugee debugee) {
        int count = 0;
        Matcher m = DONE.matcher(debugee.compilationLog().text());
        while (m.find()) {
            if (inSpinsPage(Long.parseUnsignedLong(m.group(1), 16))) {
                count++;
            }
        }
        return count;
    }

    /** Runs batches until the regions of spin's page have more than {@code known} compilations; the code bytes of the last. */
    private long awaitLoopCompiled(Debugee debugee, int known) {
        long deadline = System.nanoTime() + COMPILE_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            debugee.runBatchOf(ROUNDS, "rounds");
            long bytes = -1;
            int count = 0;
            Matcher m = DONE.matcher(debugee.compilationLog().text());
            while (m.find()) {
                long entry = Long.parseUnsignedLong(m.group(1), 16);
                if (inSpinsPage(entry)) {
                    count++;
                    bytes = Long.parseLong(m.group(2));
                    loopEntry = entry;
                }
            }
            if (count > known) {
                return bytes;
            }
        }
        throw new IllegalStateException("the loop in spin's page was not compiled within " + COMPILE_WAIT_NANOS / 1_000_000_000L + " s");
    }

    private boolean inSpinsPage(long entry) {
        return entry >>> 12 == spinPage;
    }
}
