package dev.trufflexen.launcher.bench;

import dev.trufflexen.x86.runtime.X86Counters;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one guest run reports about its code: the translated code's event counts
 * ({@link X86Counters}; zero unless {@code txl bench --counters} enabled them) and, from the
 * engine's compilation log, how many compilations finished and their total compile time, how
 * often compiled code deoptimized and how often a compilation was invalidated, and how many
 * compilations finished once the steady-state rounds had begun ({@code lateCompilations}): a
 * steady state measured while the compiler still delivered code, and took a host CPU to do it.
 */
record GuestCounters(X86Counters.Snapshot events, long compilations, long deoptimizations, long invalidations,
        double compileSeconds, long lateCompilations) {
    /** The compile time in a TraceCompilation "opt done" line: {@code |Time  123( 100+23  )ms}. */
    private static final Pattern COMPILE_TIME = Pattern.compile("\\|Time\\s*(\\d+)\\s*\\(");

    /**
     * Collects the engine log of one run (it is written as whole lines) and counts its compilation
     * events. With {@code -Dtrufflexen.benchEngineLog=true} every guest run traces its
     * compilations, with or without {@code --counters}, and each line is also copied to stderr
     * (with {@code -Dtrufflexen.traceRegionShapes=true}, bytes per guest instruction by region).
     */
    static final class EngineLog extends OutputStream {
        static final boolean ECHO = Boolean.getBoolean("trufflexen.benchEngineLog");
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private long compilations;
        private long deoptimizations;
        private long invalidations;
        private long compileMillis;
        /** When each compilation finished ({@link System#nanoTime}, as its line arrived). */
        private final List<Long> doneNanos = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                count(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            } else {
                pending.write(b);
            }
        }

        private void count(String line) {
            if (ECHO) {
                System.err.println(line);
            }
            if (line.contains("opt done")) {
                compilations++;
                doneNanos.add(System.nanoTime());
                Matcher time = COMPILE_TIME.matcher(line);
                if (time.find()) {
                    compileMillis += Long.parseLong(time.group(1));
                }
            } else if (line.contains("opt deopt")) {
                deoptimizations++;
            } else if (line.contains("opt inval")) {
                invalidations++;
            }
        }

        /**
         * The counts of the run; {@code steadyFromNanos} is when its steady-state rounds began
         * ({@link System#nanoTime}; {@link Long#MAX_VALUE} when unknown, counting no compilation late).
         */
        synchronized GuestCounters finish(X86Counters.Snapshot events, long steadyFromNanos) {
            long late = steadyFromNanos == Long.MAX_VALUE ? 0 : doneNanos.stream().filter(done -> done - steadyFromNanos >= 0).count();
            return new GuestCounters(events, compilations, deoptimizations, invalidations, compileMillis / 1e3, late);
        }
    }

    /** {@code count} per million guest instructions (NaN without instructions). */
    double perMillionInstructions(long count) {
        long instructions = events.get(X86Counters.Event.INSTRUCTIONS);
        return instructions == 0 ? Double.NaN : count * 1e6 / instructions;
    }
}
