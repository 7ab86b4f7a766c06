package dev.trufflexen.launcher.bench;

import dev.trufflexen.x86.runtime.X86Counters;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one guest run reports about its code: the translated code's event counts
 * ({@link X86Counters}; zero unless {@code txl bench --counters} enabled them) and, from the
 * engine's compilation log, how many compilations finished and their total compile time, how
 * often compiled code deoptimized and how often a compilation was invalidated.
 */
record GuestCounters(X86Counters.Snapshot events, long compilations, long deoptimizations, long invalidations,
        double compileSeconds) {
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

        synchronized GuestCounters finish(X86Counters.Snapshot events) {
            return new GuestCounters(events, compilations, deoptimizations, invalidations, compileMillis / 1e3);
        }
    }

    /** {@code count} per million guest instructions (NaN without instructions). */
    double perMillionInstructions(long count) {
        long instructions = events.get(X86Counters.Event.INSTRUCTIONS);
        return instructions == 0 ? Double.NaN : count * 1e6 / instructions;
    }
}
