package dev.trufflexen.x86.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a differential run found: counts per instruction form, and the mismatches themselves.
 * A mismatch {@link KnownDifferences} explains is an <em>exclusion</em> (an instruction
 * TruffleXen deliberately does not implement because its CPUID does not advertise it, a
 * model-specific approximation, a vendor quirk of the host), counted apart with its reason; any
 * other mismatch is a <em>failure</em>, and the first {@code keep} failures are kept in full.
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
    private int excluded;
    private int skipped;
    private int hostUnsteady;
    private long firstHostUnsteady = -1;
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
        FormCount count = forms.computeIfAbsent(mismatch.form(), f -> new FormCount());
        count.cases++;
        count.failed++;
        boolean expected = KnownDifferences.reason(mismatch) != null;
        if (expected) {
            excluded++;
        } else {
            failed++;
            count.unexpected++;
        }
        if (count.example == null || !expected && KnownDifferences.reason(count.example) != null) {
            count.example = mismatch;
        }
        if (!expected && kept.size() < keep) {
            kept.add(mismatch);
        }
    }

    /** A case not compared: the host did not stop in time (a loop) or its runner died, so there is no oracle. */
    void skip() {
        skipped++;
    }

    /**
     * A case whose host runs disagreed with each other: run twice natively from the same state,
     * the host CPU (and the Linux kernel under it) gave two outcomes, so neither is an oracle.
     */
    void hostUnsteady(CpuCase c) {
        if (hostUnsteady++ == 0) {
            firstHostUnsteady = c.number();
        }
    }

    /** Cases the host ran twice with different outcomes ({@link #hostUnsteady(CpuCase)}). */
    public int hostUnsteady() {
        return hostUnsteady;
    }

    /** The number of the first such case, or -1. */
    public long firstHostUnsteady() {
        return firstHostUnsteady;
    }

    public int passed() {
        return passed;
    }

    /** Mismatches {@link KnownDifferences} does not explain. */
    public int failed() {
        return failed;
    }

    /** Mismatches {@link KnownDifferences} explains: excluded, with their reasons. */
    public int excluded() {
        return excluded;
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

    /** The last line of every report: {@code N passed, M failed} (exclusions are reported apart). */
    public String resultLine() {
        return passed + " passed, " + failed + " failed";
    }
}
