package dev.trufflexen.launcher.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.Txl;
import dev.trufflexen.launcher.TxlContext;
import dev.trufflexen.launcher.perfhistory.PerfHistory;
import dev.trufflexen.launcher.perfhistory.PerfRecord;
import dev.trufflexen.launcher.perfhistory.SyntheticHistory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code txl dashboard} in-process, on a synthetic history. */
class DashboardCommandTest {
    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int txl(String... args) {
        return Txl.run(new TxlContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), directory, Map.of(), false, () -> true,
                (config, options, console) -> {
                    throw new AssertionError("txl dashboard runs no domain");
                }), args);
    }

    @Test
    void writesThePageAndWarnsAboutBadHistoryLines() throws IOException {
        PerfHistory history = new PerfHistory(directory.resolve("history"));
        for (PerfRecord run : SyntheticHistory.mixedMachines()) {
            history.append(run);
        }
        Path fast = history.fileFor(SyntheticHistory.FAST);
        Files.writeString(fast, "not json\n", StandardOpenOption.APPEND);

        assertEquals(0, txl("dashboard", "--history", "history", "--out", "site"), err.toString());

        Path index = directory.resolve("site/index.html");
        assertEquals(index.toUri().toString(), out.toString(StandardCharsets.UTF_8).strip());
        String page = Files.readString(index);
        assertTrue(page.contains("echarts"), "the charting library is inlined");
        assertTrue(page.contains("\"sha256 guest/native\""), "the model is embedded");
        assertTrue(!page.contains("/*@"), "every slot of the template is filled");
        assertTrue(err.toString().contains("txl: warning: " + fast + ":8: skipped: not JSON"), err.toString());
    }

    @Test
    void anEmptyHistoryStillWritesAPageAndSaysSo() throws IOException {
        assertEquals(0, txl("dashboard", "--history", "none", "--out", "site"), err.toString());
        assertTrue(Files.isRegularFile(directory.resolve("site/index.html")));
        assertTrue(err.toString().contains("holds no runs; record one with txl bench --record"), err.toString());
    }

    @Test
    void aBadRuleIsAUsageError() {
        assertEquals(ExitStatus.USAGE, txl("dashboard", "--threshold", "-5", "--out", "site"));
        assertTrue(err.toString().contains("must not be negative"), err.toString());
    }
}
