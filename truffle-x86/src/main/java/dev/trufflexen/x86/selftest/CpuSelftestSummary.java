package dev.trufflexen.x86.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a differential run found: counts per instruction form, and the mismatches themselves
 * (all of them are counted; the first {@code keep} are kept in full).
 */
public final class CpuSelftestSummary {
    /** Cases and failures of one instruction form. */
    public static final class FormCount {
        public int cases;
        public int failed;
        /** Failures {@link KnownDifferences} does not explain. */
        public int unexpected;
        public CpuMismatch example;
    }

    private final int keep;
    private int passed;
    private int failed;
    private int skipped;
    private final Map<String, FormCount> forms = new TreeMap<>();
    private final List<CpuMismatch> kept = new ArrayList<>();

    public CpuSelftestSummary(int keep) {
        this.keep = keep;
    }

    void pass(String form) {
        passed++;
        forms.computeIfAbsent(form, f -> new FormCount()).cases++;
    }

    void fail(CpuMismatch mismatch) {
        failed++;
        FormCount count = forms.computeIfAbsent(mismatch.form(), f -> new FormCount());
        count.cases++;
        count.failed++;
        boolean expected = KnownDifferences.reason(mismatch) != null;
        if (!expected) {
            count.unexpected++;
        }
        if (count.example == null || !expected && KnownDifferences.reason(count.example) != null) {
            count.example = mismatch;
        }
        if (kept.size() < keep) {
            kept.add(mismatch);
        }
    }

    /** A case not compared: the host did not stop in time (a loop) or its runner died, so there is no oracle. */
    void skip() {
        skipped++;
    }

    public int passed() {
        return passed;
    }

    public int failed() {
        return failed;
    }

    public int skipped() {
        return skipped;
    }

    /** Per-form counts, by form name. */
    public Map<String, FormCount> forms() {
        return forms;
    }

    public List<CpuMismatch> mismatches() {
        return kept;
    }

    /** Failures in forms that {@link KnownDifferences} does not list: regressions. */
    public int unexpectedFailures() {
        int n = 0;
        for (FormCount count : forms.values()) {
            n += count.unexpected;
        }
        return n;
    }

    /** The last line of every report: {@code N passed, M failed}. */
    public String resultLine() {
        return passed + " passed, " + failed + " failed";
    }
}
