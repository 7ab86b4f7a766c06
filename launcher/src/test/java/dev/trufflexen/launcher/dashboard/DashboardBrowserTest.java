package dev.trufflexen.launcher.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trufflexen.launcher.perfhistory.PerfRecord;
import dev.trufflexen.launcher.perfhistory.RegressionRule;
import dev.trufflexen.launcher.perfhistory.SyntheticHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: headless Chromium (Debian's chromium package; .ci/run
 * installs it) opens the page from file://, and the page's own report (#status: what each chart
 * drew, which errors it saw) is read from the DOM Chromium dumps. The screenshot stays in
 * target/dashboard-test/ as an artifact. Without Chromium the test is skipped and says why.
 */
class DashboardBrowserTest {
    private static final Path OUT = Path.of("target", "dashboard-test").toAbsolutePath();
    private static final Pattern STATUS = Pattern.compile("<div id=\"status\"([^>]*)>([^<]*)</div>");

    private static Path chromium;
    private static Path index;
    private static int expectedSeries;
    private static int expectedCharts;

    @BeforeAll
    static void writeDashboard() throws IOException {
        chromium = findChromium().orElse(null);
        List<PerfRecord> runs = new ArrayList<>(SyntheticHistory.mixedMachines());
        runs.sort(java.util.Comparator.comparing(PerfRecord::date));
        ObjectNode model = DashboardModel.build(runs, RegressionRule.DEFAULT, "2026-11-10T00:00:00Z");
        model.get("charts").forEach(chart -> expectedSeries += chart.get("series").size());
        expectedCharts = model.get("charts").size();
        index = DashboardSite.write(OUT, model);
    }

    private static Optional<Path> findChromium() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(java.io.File.pathSeparator))
                .flatMap(directory -> Stream.of("chromium", "chromium-browser", "google-chrome").map(name -> Path.of(directory, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Runs headless Chromium on the page with {@code arguments}; returns its stdout. */
    private static String chromium(String... arguments) throws IOException, InterruptedException {
        return chromiumAt(index.toUri().toString(), arguments);
    }

    private static String chromiumAt(String url, String... arguments) throws IOException, InterruptedException {
        Assumptions.assumeTrue(chromium != null, "chromium is not installed (Debian: apt-get install chromium); skipping");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--hide-scrollbars", "--virtual-time-budget=10000",
                "--user-data-dir=" + OUT.resolve("profile")));
        command.addAll(List.of(arguments));
        command.add(url);
        Path log = OUT.resolve("chromium.log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        byte[] stdout = process.getInputStream().readAllBytes();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish in 180 s");
        }
        assertEquals(0, process.exitValue(), "chromium failed: " + Files.readString(log));
        return new String(stdout, StandardCharsets.UTF_8);
    }

    @Test
    void everyChartDrawsItsSeriesWithoutErrors() throws IOException, InterruptedException {
        String dom = chromium("--dump-dom");
        Matcher status = STATUS.matcher(dom);
        assertTrue(status.find(), "no #status in the page: " + dom.substring(0, Math.min(dom.length(), 2000)));
        String attributes = status.group(1);
        String text = status.group(2);
        assertTrue(attributes.contains("data-state=\"ready\""), text);
        assertTrue(attributes.contains("data-errors=\"0\""), text);
        assertTrue(attributes.contains("data-charts=\"" + expectedCharts + "\""), text);
        assertTrue(attributes.contains("data-series=\"" + expectedSeries + "\""), text);
        assertTrue(attributes.contains("data-series-drawn=\"" + expectedSeries + "\""), text);
        assertEquals(7, expectedCharts);
        assertTrue(dom.contains("<table id=\"summary\"><tr><th>metric</th>"), "the summary table is filled");
        assertTrue(dom.contains("a4c0ffee"), "the runs table names the commits");
        String log = Files.readString(OUT.resolve("chromium.log"));
        assertTrue(!log.contains("Uncaught") && !log.contains(":CONSOLE("), log);
    }

    @Test
    void aRunOpensFromItsAnchor() throws IOException, InterruptedException {
        Assumptions.assumeTrue(chromium != null, "chromium is not installed (Debian: apt-get install chromium); skipping");
        String id = "2026-11-03T100800Z-a2c0ffee";
        String dom = chromiumAt(index.toUri() + "#run-" + id, "--dump-dom");
        assertTrue(dom.contains("<section id=\"run-detail\" class=\"shown\">"), "the run's details are shown");
        assertTrue(dom.contains("<h2 id=\"run-title\">Run " + id + "</h2>"), dom.substring(0, Math.min(dom.length(), 500)));
    }

    @Test
    void aScreenshotIsKept() throws IOException, InterruptedException {
        Path screenshot = OUT.resolve("dashboard.png");
        Files.deleteIfExists(screenshot);
        chromium("--window-size=1280,1800", "--screenshot=" + screenshot);
        assertTrue(Files.size(screenshot) > 20_000, "a screenshot of a page with charts is not tiny: " + Files.size(screenshot));
    }
}
