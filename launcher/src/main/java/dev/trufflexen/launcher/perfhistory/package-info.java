/**
 * The benchmark history: every recorded run of {@code txl bench} and {@code bin/perf}, kept in
 * the repository, judged for regressions and drawn by {@code txl dashboard}.
 *
 * <h2>Storage</h2>
 * {@link PerfHistory} keeps one JSON-lines file per machine under {@code perf/history/}, named by
 * the machine's key ({@link HostFacts#machine()}: CPU model, cores, memory). Each line is one
 * {@link PerfRecord}: when, which commit and whether the tree was dirty ({@link GitFacts}), the
 * machine, the JVM and Graal versions and how the compiler ran (libgraal or jargraal, with or
 * without Graal as the JVM's own JIT and a JDK AOT cache), the host's load average before and after (a loaded host
 * runs slower and noisier, and the record says so), and the figures: per workload the guest,
 * native and qemu steady-state rates with their spread over rounds, the slowdown ratios, the
 * guest's warm-up and its compile count and time, and whether the rounds were timed by the
 * benchmark driver's own clock or by their markers' arrival; per JMH benchmark score, error and unit.
 * Appending is one write of one line; the files are plain text that merges and diffs line by
 * line. Every line carries its schema version ({@link PerfRecord#SCHEMA} when written); reading
 * takes every version from {@link PerfRecord#OLDEST_READABLE_SCHEMA} on (fields added later are
 * null in older lines) and skips, with a warning naming file and line, whatever is corrupt,
 * foreign or of a version it does not know.
 *
 * <h2>Regressions</h2>
 * Runs on different machines are never compared: a {@link Metric} (a workload's guest/native
 * slowdown, a JMH score) is a series per machine. {@link RegressionRule} calls a point a
 * regression when it is worse than the median of the previous N runs by more than
 * {@code max(minimum change, factor * spread)}; the median resists one odd run, and the spread
 * term keeps a noisy workload from crying wolf. {@link Comparison} applies the rule to a new run
 * for {@code txl bench --compare}; the dashboard applies the same rule to each series' latest
 * point.
 *
 * <h2>Why the slowdown ratio</h2>
 * Each run measures the native executable next to the guest, so the guest/native ratio cancels
 * much of what a busy host does to both; raw rates are kept too, for the charts.
 */
package dev.trufflexen.launcher.perfhistory;
