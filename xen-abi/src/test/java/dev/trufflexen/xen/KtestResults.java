package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console output of a guest built on the SDK's ktest framework ({@code sdk/ktest.h}): one
 * {@code ok N - group: name (rule)} or {@code not ok N - ...} line per case, {@code # key=0x...}
 * value lines for checks made from the host, and a closing {@code P passed, F failed} line.
 */
public final class KtestResults {
    private static final Pattern RESULT = Pattern.compile("(ok|not ok) (\\d+) - (.+)");
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed, (\\d+) failed");
    private static final Pattern VALUE = Pattern.compile("# (\\w+)=0x([0-9a-f]+)");

    private final List<String> lines;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Long> values = new HashMap<>();
    private int cases;
    private int summaryPassed = -1;
    private int summaryFailed = -1;

    private KtestResults(List<String> lines) {
        this.lines = List.copyOf(lines);
        for (String line : lines) {
            Matcher m = RESULT.matcher(line);
            if (m.matches()) {
                cases++;
                assertEquals(cases, Integer.parseInt(m.group(2)), "case numbers run in order: " + line);
                if (m.group(1).equals("not ok")) {
                    failures.add(line);
                }
            }
            Matcher v = VALUE.matcher(line);
            if (v.matches()) {
                values.put(v.group(1), Long.parseUnsignedLong(v.group(2), 16));
            }
            Matcher s = SUMMARY.matcher(line);
            if (s.matches()) {
                summaryPassed = Integer.parseInt(s.group(1));
                summaryFailed = Integer.parseInt(s.group(2));
            }
        }
    }

    public static KtestResults parse(List<String> consoleLines) {
        return new KtestResults(consoleLines);
    }

    /**
     * Asserts that every case passed, that at least {@code minimumCases} ran and that the summary
     * line counts them all; {@code context} (console and crash report) goes into the messages.
     */
    public void assertAllPassed(int minimumCases, String context) {
        assertEquals(List.of(), failures, context);
        assertTrue(cases >= minimumCases, "at least " + minimumCases + " cases ran, got " + cases + "\n" + context);
        assertTrue(summaryPassed >= 0, "summary line\n" + context);
        assertEquals(cases, summaryPassed, "summary counts every case");
        assertEquals(0, summaryFailed);
    }

    public int cases() {
        return cases;
    }

    public List<String> failures() {
        return failures;
    }

    /** The value a {@code # key=0x...} line reported. */
    public long value(String key) {
        Long v = values.get(key);
        assertNotNull(v, "the guest reported " + key + "\n" + String.join("\n", lines));
        return v;
    }
}
