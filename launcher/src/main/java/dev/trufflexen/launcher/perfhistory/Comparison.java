package dev.trufflexen.launcher.perfhistory;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code txl bench --compare REF}: a new run against the history of its machine (anchor null,
 * every metric new, when that history is empty). REF picks the
 * anchor run: {@code previous} (the newest run), a commit (hash prefix; the newest run of it) or
 * a date ({@code YYYY-MM-DD} or an ISO-8601 instant; the newest run at or before it). The
 * baseline of each metric is the anchor and the runs before it, up to the rule's window, and
 * {@link RegressionRule} judges the new point against it.
 */
public record Comparison(PerfRecord anchor, List<Row> rows) {
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{4,40}");

    /** One metric's verdict. */
    public record Row(Metric metric, RegressionRule.Point current, RegressionRule.Verdict verdict) {
    }

    public Comparison {
        rows = List.copyOf(rows);
    }

    public boolean regressed() {
        return rows.stream().anyMatch(r -> r.verdict().regression());
    }

    /**
     * Compares {@code current} with {@code history} (any machines, any order).
     *
     * @throws IllegalArgumentException when REF is malformed or matches no run of this machine
     */
    public static Comparison compare(PerfRecord current, List<PerfRecord> history, String ref, RegressionRule rule) {
        List<PerfRecord> sameMachine = history.stream()
                .filter(r -> r.machine().key().equals(current.machine().key()) && !r.id().equals(current.id()))
                .sorted(java.util.Comparator.comparing(PerfRecord::date))
                .toList();
        int anchor = anchorIndex(sameMachine, ref);
        if (anchor < 0 && !sameMachine.isEmpty()) {
            throw new IllegalArgumentException("no run on this machine (" + current.machine().key() + ") matches '" + ref + "'");
        }
        List<PerfRecord> upToAnchor = sameMachine.subList(0, anchor + 1);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Metric, RegressionRule.Point> entry : Metric.of(current).entrySet()) {
            List<RegressionRule.Point> previous = new ArrayList<>();
            for (PerfRecord run : upToAnchor) {
                RegressionRule.Point point = Metric.of(run).get(entry.getKey());
                if (point != null) {
                    previous.add(point);
                }
            }
            rows.add(new Row(entry.getKey(), entry.getValue(),
                    rule.judge(previous, entry.getValue(), entry.getKey().higherIsBetter())));
        }
        return new Comparison(anchor < 0 ? null : sameMachine.get(anchor), rows);
    }

    /** Checks that REF is well-formed ('previous', a commit or a date) before anything is measured. */
    public static void checkRef(String ref) {
        if (!ref.equals("previous")) {
            parseDate(ref);
        }
    }

    /** The index of the run REF names in {@code runs} (date order), or -1. */
    static int anchorIndex(List<PerfRecord> runs, String ref) {
        if (ref.equals("previous")) {
            return runs.size() - 1;
        }
        Instant limit = parseDate(ref);
        for (int i = runs.size() - 1; i >= 0; i--) {
            PerfRecord run = runs.get(i);
            boolean matches = limit != null
                    ? !Instant.parse(run.date()).isAfter(limit)
                    : run.git().commit().startsWith(ref.toLowerCase(Locale.ROOT));
            if (matches) {
                return i;
            }
        }
        return -1;
    }

    /** The instant a date REF stands for (a whole day ends at its last instant); null for a commit. */
    private static Instant parseDate(String ref) {
        if (DATE.matcher(ref).matches()) {
            try {
                return LocalDate.parse(ref).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + ref + "' is not a date: " + e.getMessage());
            }
        }
        if (ref.contains("T") && ref.length() > 10 && DATE.matcher(ref.substring(0, 10)).matches()) {
            try {
                return Instant.parse(ref);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + ref + "' is not an ISO-8601 instant: " + e.getMessage());
            }
        }
        if (!COMMIT.matcher(ref).matches()) {
            throw new IllegalArgumentException("'" + ref + "' is neither 'previous', a commit (4 to 40 hex digits) nor a date (YYYY-MM-DD)");
        }
        return null;
    }

    /** The per-metric deltas, one line each, and a verdict line. */
    public void print(PrintWriter out, RegressionRule rule) {
        if (anchor == null) {
            out.println("nothing to compare with: no earlier run on this machine; every metric is new");
            return;
        }
        out.printf("compared with %s (%s, %s%s) and up to %d runs before it on %s%n", anchor.git().shortCommit(), anchor.date(),
                anchor.source(), anchor.git().dirty() ? ", dirty tree" : "", rule.window() - 1, anchor.machine().key());
        String format = "%-40s %12s %12s %9s %9s  %s%n";
        out.printf(format, "metric", "baseline", "now", "worse by", "limit", "verdict");
        for (Row row : rows) {
            RegressionRule.Verdict v = row.verdict();
            String verdict = !v.hasBaseline() ? "new" : v.regression() ? "REGRESSION" : v.change() < -v.threshold() ? "better" : "ok";
            out.printf(format, row.metric().name(), v.hasBaseline() ? number(v.baseline(), row.metric().unit()) : "-",
                    number(row.current().value(), row.metric().unit()), v.hasBaseline() ? percent(v.change()) : "-",
                    v.hasBaseline() ? limit(v.threshold()) : "-", verdict);
        }
        long regressions = rows.stream().filter(r -> r.verdict().regression()).count();
        out.println(regressions == 0 ? "no regression" : regressions + " regression" + (regressions == 1 ? "" : "s")
                + " (worse than the baseline median by more than the limit)");
        out.flush();
    }

    /** The threshold in percent; a spread beyond 10x the value itself says only "very noisy". */
    private static String limit(double threshold) {
        return threshold > 10 ? ">1000%" : String.format(Locale.ROOT, "%.1f%%", 100 * threshold);
    }

    private static String percent(double change) {
        return String.format(Locale.ROOT, "%+.1f%%", 100 * change);
    }

    static String number(double value, String unit) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        String digits = Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.3g", value);
        return unit.equals("x") ? digits + "x" : digits;
    }
}
