package dev.trufflexen.perf;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Truffle engine's log ({@code engine.TraceCompilation=true}) as running counts: how many
 * compilations finished (whole roots and loop OSR units apart), and how many compiled units were
 * deoptimized or invalidated. A figure that depends on compiled guest code reads these around
 * its window to tell whether the code changed while it measured.
 */
final class CompilationEvents extends OutputStream {
    /** The counts at one moment. */
    record Counts(long done, long osrDone, long deoptimized, long invalidated, List<String> events) {
        Counts since(Counts earlier) {
            return new Counts(done - earlier.done, osrDone - earlier.osrDone, deoptimized - earlier.deoptimized,
                    invalidated - earlier.invalidated, events.subList(earlier.events.size(), events.size()));
        }

        @Override
        public String toString() {
            String which = events.size() <= 8 ? events.toString() : events.subList(0, 8) + " and " + (events.size() - 8) + " more";
            return "finished " + done + " compilations (" + osrDone + " OSR), deoptimized " + deoptimized
                    + " and invalidated " + invalidated + (events.isEmpty() ? "" : " " + which);
        }
    }

    private static final Pattern EVENT = Pattern.compile("(opt done|opt deopt|opt inv\\.)\\s+.*?(\\S*(?:x86@|X86Dispatch)\\S*)");

    private final StringBuilder line = new StringBuilder();
    /** Each event as its kind and the unit's name, oldest first. */
    private final List<String> events = new ArrayList<>();
    private long done;
    private long osrDone;
    private long deoptimized;
    private long invalidated;

    @Override
    public synchronized void write(int b) {
        if (b != '\n') {
            line.append((char) b);
            return;
        }
        String text = line.toString();
        line.setLength(0);
        Matcher m = EVENT.matcher(text);
        if (m.find()) {
            events.add(m.group(1).substring(4) + " " + m.group(2));
        }
        if (text.contains("opt done")) {
            done++;
            if (text.contains("<OSR")) {
                osrDone++;
            }
        } else if (text.contains("opt deopt")) {
            deoptimized++;
        } else if (text.contains("opt inv.")) {
            invalidated++;
        }
    }

    synchronized Counts counts() {
        return new Counts(done, osrDone, deoptimized, invalidated, List.copyOf(events));
    }
}
