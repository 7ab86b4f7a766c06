package dev.trufflexen.perf;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Truffle engine log written with {@code engine.TraceCompilation=true} and counts, per
 * root of ours, how often it was compiled, failed to compile, was invalidated or deoptimized.
 *
 * <p>Our roots are the region roots, named {@code x86@<hex entry RIP>}, their loops' OSR units
 * ({@code x86@<hex entry RIP><OSR@block>}, counted as units of their own), and the dispatcher
 * ({@code X86DispatchRootNode@...}, its loop's OSR unit {@code X86DispatchLoopNode@...<OSR>}).
 * Lines about other roots (polyglot's host entry point) are ignored. A benchmark or test uses this to prove guest code really ran compiled: a number
 * measured in Truffle's interpreter says nothing about the JIT.
 */
public final class CompilationLog {
    /** What TraceCompilation reports about one compilation unit. */
    public enum Event {
        DONE("opt done"), FAILED("opt failed"), INVALIDATED("opt inv."), DEOPTIMIZED("opt deopt");

        private final String marker;

        Event(String marker) {
            this.marker = marker;
        }
    }

    /** Counts for one root. */
    public static final class RootStats {
        private final int[] counts = new int[Event.values().length];
        private final boolean regionLoop;

        RootStats(boolean regionLoop) {
            this.regionLoop = regionLoop;
        }

        public int count(Event event) {
            return counts[event.ordinal()];
        }

        /**
         * How often this root lost its compiled code: invalidations, plus deoptimizations except
         * for a region loop's OSR unit, which logs "opt deopt" every time its loop ends and it
         * hands its frame back to the interpreter (its code stays valid and is entered again).
         */
        public int lostCompiledCode() {
            return count(Event.INVALIDATED) + (regionLoop ? 0 : count(Event.DEOPTIMIZED));
        }
    }

    private static final Pattern LINE = Pattern.compile(
            "\\[engine\\] (opt done|opt failed|opt inv\\.|opt deopt)\\s+.*?\\b(x86@[0-9a-f]+(?:<OSR@[0-9/]+>)?|X86Dispatch\\w+@[0-9a-f]+(?:<OSR>)?)(?=\\s|$)");

    private final Map<String, RootStats> roots = new TreeMap<>();
    private final String text;

    public CompilationLog(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            Event event = eventFor(m.group(1));
            roots.computeIfAbsent(m.group(2), name -> new RootStats(name.startsWith("x86@") && name.contains("<OSR@"))).counts[event.ordinal()]++;
        }
    }

    private static Event eventFor(String marker) {
        for (Event event : Event.values()) {
            if (event.marker.equals(marker)) {
                return event;
            }
        }
        throw new IllegalArgumentException(marker);
    }

    /** The whole log as written by the engine. */
    public String text() {
        return text;
    }

    /** Our roots that appear in the log, by name, with their counts. */
    public Map<String, RootStats> roots() {
        return roots;
    }

    /** How many distinct regions ({@code x86@...}) were compiled at least once, whole or through a loop's OSR unit. */
    public long compiledRegions() {
        return roots.entrySet().stream()
                .filter(e -> e.getKey().startsWith("x86@") && e.getValue().count(Event.DONE) > 0)
                .map(e -> regionOf(e.getKey()))
                .distinct()
                .count();
    }

    /** The region a unit belongs to: its name without an OSR suffix. */
    private static String regionOf(String unit) {
        int osr = unit.indexOf('<');
        return osr < 0 ? unit : unit.substring(0, osr);
    }

    /** Events of one kind over all our roots. */
    public int total(Event event) {
        return roots.values().stream().mapToInt(stats -> stats.count(event)).sum();
    }

    /**
     * Fails a benchmark whose guest code did not run compiled: no region of ours compiled (the
     * result measured Truffle's interpreter) or a compilation failed.
     *
     * @param what the benchmark or program, for the message
     * @throws IllegalStateException in either case
     */
    public void requireCompiledRegions(String what) {
        if (compiledRegions() == 0) {
            throw new IllegalStateException(what + ": no region was compiled; the result measured the interpreter");
        }
        if (total(Event.FAILED) > 0) {
            throw new IllegalStateException(what + ": a region failed to compile:\n" + text());
        }
    }

    /** One line for a benchmark's output: compiled regions, failures, invalidations, deopts. */
    public String summary() {
        return String.format("compiled regions: %d (opt done: %d), opt failed: %d, opt inv.: %d, opt deopt: %d",
                compiledRegions(), total(Event.DONE), total(Event.FAILED), total(Event.INVALIDATED),
                total(Event.DEOPTIMIZED));
    }
}
