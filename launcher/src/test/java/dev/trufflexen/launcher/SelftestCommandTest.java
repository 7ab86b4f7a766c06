package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trufflexen.x86.selftest.NativeCpuOracle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code txl selftest cpu}: the report's shape and exit status (the tester itself is tested in truffle-x86). */
class SelftestCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int txl(String... args) {
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Path.of("").toAbsolutePath(), Map.of(), false, () -> false,
                (config, options, console) -> {
                    throw new AssertionError("selftest runs no domain");
                });
        return Txl.run(context, args);
    }

    @Test
    void cpuEndsWithTheCountsLine() {
        assumeTrue(NativeCpuOracle.supported(), "the native oracle needs Linux on x86-64");
        int status = txl("selftest", "cpu", "--cases", "300", "--seed", "1", "--show", "1");
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\\R");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("\\d+ passed, \\d+ failed"), last);
        int failed = Integer.parseInt(last.replaceAll(".* (\\d+) failed", "$1"));
        assertEquals(failed == 0 ? 0 : 1, status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void negativeCaseCountIsAUsageError() {
        assertEquals(ExitStatus.USAGE, txl("selftest", "cpu", "--cases", "-1"));
    }

    @Test
    void negativeFirstCaseIsAUsageError() {
        assertEquals(ExitStatus.USAGE, txl("selftest", "cpu", "--from", "-5"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--from"), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code --from} reruns one case of a seed alone: the reproducer it prints names that case. */
    @Test
    void fromRunsTheCaseWithThatNumber() {
        assumeTrue(NativeCpuOracle.supported(), "the native oracle needs Linux on x86-64");
        txl("selftest", "cpu", "--seed", "3", "--from", "1234", "--cases", "1", "--show", "1");
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\\R");
        assertEquals(1, java.util.Arrays.stream(lines).filter(line -> line.matches("\\d+ passed, \\d+ failed")).count());
        assertTrue(lines[lines.length - 1].matches("(1 passed, 0 failed|0 passed, 1 failed)"), lines[lines.length - 1]);
    }
}
