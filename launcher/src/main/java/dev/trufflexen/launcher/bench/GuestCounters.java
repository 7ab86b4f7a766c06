package dev.trufflexen.launcher.bench;

import dev.trufflexen.x86.runtime.X86Counters;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What {@code txl bench --counters} reports for one guest run: the translated code's event
 * counts ({@link X86Counters}) and, from the engine's compilation log, how many compilations
 * finished, how often compiled code deoptimized and how often a compilation was invalidated.
 */
record GuestCounters(X86Counters.Snapshot events, long compilations, long deoptimizations, long invalidations) {

    /** Collects the engine log of one run (it is written as whole lines) and counts its compilation events. */
    static final class EngineLog extends OutputStream {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private long compilations;
        private long deoptimizations;
        private long invalidations;

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
            if (line.contains("opt done")) {
                compilations++;
            } else if (line.contains("opt deopt")) {
                deoptimizations++;
            } else if (line.contains("opt inval")) {
                invalidations++;
            }
        }

        synchronized GuestCounters finish(X86Counters.Snapshot events) {
            return new GuestCounters(events, compilations, deoptimizations, invalidations);
        }
    }

    /** {@code count} per million guest instructions (NaN without instructions). */
    double perMillionInstructions(long count) {
        long instructions = events.get(X86Counters.Event.INSTRUCTIONS);
        return instructions == 0 ? Double.NaN : count * 1e6 / instructions;
    }
}
