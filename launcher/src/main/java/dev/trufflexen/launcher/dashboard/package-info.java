/**
 * {@code txl dashboard}: the benchmark history as a page a person can read.
 *
 * <p>The page is static and self-contained: {@link DashboardSite} fills one HTML template with
 * the charting library (ECharts, read from its WebJar on the class path and inlined), the page's
 * script and the data, so it opens from {@code file://} or any static web server with no
 * network. {@link DashboardModel} decides what is shown, in Java, next to the history's own
 * rules: the summary table applies the same {@code RegressionRule} as {@code txl bench
 * --compare}, and every chart series belongs to one machine. The page's script only turns that
 * model into a table and charts, and finally writes into {@code #status} how many series each
 * chart really drew and which errors it saw, which is how a headless browser checks it.
 */
package dev.trufflexen.launcher.dashboard;
