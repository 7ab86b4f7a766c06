package dev.trufflexen.launcher.debug;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the JIT did with each translated region, read from the engine's compilation trace
 * ({@code engine.TraceCompilation}, one line per compilation event, written by the engine's
 * compiler threads): how often a region was compiled, how long that took and how much machine
 * code it made, and how often its compiled code was deoptimized or invalidated (by a guest write
 * into its code or a breakpoint in its page). Regions are the engine's roots {@code x86@<entry>};
 * nothing on the guest's paths changes for it, the engine reports these events anyway.
 */
public final class CompilationTrace extends OutputStream {
    /** One region's events; {@code millis} and {@code codeBytes} add up over its compilations. */
    public record RegionStats(int compilations, long millis, long codeBytes, int deoptimizations, int invalidations,
            int failures) {
        static final RegionStats NONE = new RegionStats(0, 0, 0, 0, 0, 0);
    }

    private static final Pattern EVENT = Pattern.compile(
            "\\[engine\\] (opt done|opt failed|opt inv\\.|opt deopt)\\s+.*?\\bx86@([0-9a-f]+)(?=\\s|$)");
    private static final Pattern TIME = Pattern.compile("\\|Time\\s*(\\d+)");
    private static final Pattern CODE_SIZE = Pattern.compile("\\|CodeSize\\s+(\\d+)");

    private final Map<Long, RegionStats> regions = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            parse(line.toString(StandardCharsets.UTF_8));
            line.reset();
        } else if (line.size() < 4096) {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    private void parse(String text) {
        Matcher m = EVENT.matcher(text);
        if (!m.find()) {
            return;
        }
        long entry = Long.parseUnsignedLong(m.group(2), 16);
        String event = m.group(1);
        long millis = number(TIME, text);
        long code = number(CODE_SIZE, text);
        regions.merge(entry, switch (event) {
            case "opt done" -> new RegionStats(1, millis, code, 0, 0, 0);
            case "opt deopt" -> new RegionStats(0, 0, 0, 1, 0, 0);
            case "opt inv." -> new RegionStats(0, 0, 0, 0, 1, 0);
            default -> new RegionStats(0, 0, 0, 0, 0, 1);
        }, (a, b) -> new RegionStats(a.compilations() + b.compilations(), a.millis() + b.millis(),
                a.codeBytes() + b.codeBytes(), a.deoptimizations() + b.deoptimizations(),
                a.invalidations() + b.invalidations(), a.failures() + b.failures()));
    }

    private static long number(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The events of the region entered at {@code entryRip} (all zero when it was never compiled). */
    public RegionStats region(long entryRip) {
        return regions.getOrDefault(entryRip, RegionStats.NONE);
    }
}
