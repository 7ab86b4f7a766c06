package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/txl} as users run it: a subprocess that must find a JDK 25 and the built launcher.
 * Tests that need the build ({@code mvn install} fills launcher/target/lib at package time)
 * are skipped when it is absent.
 */
class BinTxlTest {
    /** Surefire runs in the module directory; the script is at the repository root. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path SCRIPT = ROOT.resolve("bin/txl");

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    static Result run(Path script, Path workingDirectory, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("TXL_JAVA_OPTS");
        builder.environment().remove("TXL_HOST_JIT");
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("txl", ".out");
        Path err = Files.createTempFile("txl", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("bin/txl did not finish in 120 s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The first workload of a {@code txl bench --json} run's output. */
    private static com.fasterxml.jackson.databind.JsonNode firstWorkload(Result result) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.out()).get("workloads").get(0);
    }

    static void assumeBuilt() {
        assumeTrue(Files.isRegularFile(SCRIPT), "bin/txl not found at " + SCRIPT);
        assumeTrue(Files.isDirectory(ROOT.resolve("launcher/target/lib")),
                "launcher/target/lib is absent; build with bin/build (mvn -q install -DskipTests) to run this test");
    }

    @Test
    void benchCountersCountTheGuestsInstructionsAndBackEdges() throws Exception {
        assumeBuilt();
        Result result = run(SCRIPT, dir, Map.of(), "bench", "--counters", "--quick", "--json", "--no-qemu", "--filter", "^sieve$");
        assertEquals(0, result.status(), result.err());
        com.fasterxml.jackson.databind.JsonNode counters = firstWorkload(result).get("guest_counters");
        assertTrue(counters.get("instructions").asLong() > 1_000_000, counters.toString());
        assertTrue(counters.get("back_edges").asLong() > 1000, counters.toString());
        assertTrue(counters.get("region_calls").asLong() >= counters.get("exit_branch").asLong(), counters.toString());
        long exits = counters.get("exit_branch").asLong() + counters.get("exit_fault").asLong()
                + counters.get("exit_resume").asLong() + counters.get("exit_platform").asLong();
        assertTrue(exits > 0 && exits <= counters.get("region_calls").asLong() + counters.get("chained_calls").asLong(),
                counters.toString());
        assertTrue(counters.has("compilations") && counters.has("deoptimizations"), counters.toString());
        long uncounted = counters.get("uncounted_runs").asLong(); // the driver's code runs cold: its calls are not counted
        assertTrue(uncounted > 0 && uncounted <= counters.get("region_calls").asLong() + counters.get("chained_calls").asLong(),
                counters.toString());
    }

    /**
     * sha256's inner loops end at every block of input: when every exit of their OSR code
     * deoptimized, one run of 3 rounds deoptimized about 100,000 times (the guest's compilation
     * trace, {@code guest_compilation}). Loops left that often now leave their OSR code without
     * deoptimizing, after at most a few hundred deoptimizing exits while that is found out.
     */
    @Test
    void benchLoopsLeftOftenLeaveTheirOsrCodeWithoutDeoptimizing() throws Exception {
        assumeBuilt();
        Result result = run(SCRIPT, dir, Map.of(), "bench", "--json", "--no-qemu", "--rounds", "3", "--filter", "^sha256$");
        assertEquals(0, result.status(), result.err());
        com.fasterxml.jackson.databind.JsonNode workload = firstWorkload(result);
        assertTrue(workload.get("checksum_match").asBoolean(), workload.toString());
        long deoptimizations = workload.get("guest_compilation").get("deoptimizations").asLong();
        assertTrue(deoptimizations < 2000, deoptimizations + " deoptimizations: " + workload.get("guest_compilation"));
        long late = workload.get("guest_compilation").path("late_compilations").asLong(-1);
        assertTrue(late >= 0 && late <= workload.get("guest_compilation").get("compilations").asLong(),
                "compilations into the steady-state rounds: " + workload.get("guest_compilation"));
    }

    @Test
    void benchInAFreshJvmReportsTheGuestsRoundsAndCounters() throws Exception {
        assumeBuilt();
        Result result = run(SCRIPT, dir, Map.of(), "bench", "--fresh-jvm", "--counters", "--quick", "--json", "--no-qemu", "--filter",
                "^crc32$");
        assertEquals(0, result.status(), result.err());
        com.fasterxml.jackson.databind.JsonNode workload = firstWorkload(result);
        assertTrue(workload.get("checksum_match").asBoolean(), workload.toString());
        assertEquals(2, workload.get("guest").get("round_seconds").size(), workload.toString());
        assertEquals(0.0, workload.get("guest").get("round_begin_seconds").get(0).asDouble(), workload.toString());
        assertTrue(workload.get("guest_counters").get("instructions").asLong() > 1000, workload.toString());
    }

    /**
     * The switches README's "What each change buys, switched off" measures with really turn their
     * change off: without jump tables interp's dispatch jump leaves its region every time, and
     * without chaining every call of objects goes through the dispatcher (the engine's counters).
     */
    @Test
    void measurementSwitchesTurnTheirChangeOff() throws Exception {
        assumeBuilt();
        com.fasterxml.jackson.databind.JsonNode interp = countersOf("interp", "");
        com.fasterxml.jackson.databind.JsonNode interpWithoutTables = countersOf("interp", "-Dtrufflexen.jumpTables=false");
        assertTrue(interp.get("in_region_dynamic").asLong() > 1_000_000, interp.toString());
        assertTrue(interp.get("region_calls").asLong() < 1_000, interp.toString());
        assertTrue(interpWithoutTables.get("region_calls").asLong() > 1_000_000, interpWithoutTables.toString());

        com.fasterxml.jackson.databind.JsonNode objects = countersOf("objects", "");
        com.fasterxml.jackson.databind.JsonNode objectsUnchained = countersOf("objects", "-Dtrufflexen.chainCalls=false");
        assertTrue(objects.get("chained_calls").asLong() > 10_000, objects.toString());
        assertTrue(objects.get("region_calls").asLong() < 1_000, objects.toString());
        assertEquals(0, objectsUnchained.get("chained_calls").asLong(), objectsUnchained.toString());
        assertTrue(objectsUnchained.get("region_calls").asLong() > 10_000, objectsUnchained.toString());
    }

    private com.fasterxml.jackson.databind.JsonNode countersOf(String workload, String javaOptions) throws Exception {
        Result result = run(SCRIPT, dir, Map.of("TXL_JAVA_OPTS", "-Dtrufflexen.counters=true " + javaOptions), "bench", "--counters",
                "--quick", "--json", "--no-qemu", "--filter", "^" + workload + "$");
        assertEquals(0, result.status(), result.err());
        com.fasterxml.jackson.databind.JsonNode w = firstWorkload(result);
        assertTrue(w.get("checksum_match").asBoolean(), w.toString());
        return w.get("guest_counters");
    }

    /**
     * On a stock JDK, Graal compiles the JVM's own Java code too, in place of C2 (bin/lib/jdk.sh);
     * {@code TXL_HOST_JIT=c2} keeps C2. The bench report says which ran; any other value is refused.
     */
    @Test
    void graalIsTheJvmsOwnJitTooUnlessTxlHostJitSaysC2() throws Exception {
        assumeBuilt();
        String[] bench = {"bench", "--quick", "--json", "--no-qemu", "--rounds", "2", "--filter", "^sieve$"};
        Result graal = run(SCRIPT, dir, Map.of(), bench);
        assertEquals(0, graal.status(), graal.err());
        String compiler = new com.fasterxml.jackson.databind.ObjectMapper().readTree(graal.out()).get("compiler").asText();
        assumeTrue(compiler.startsWith("jargraal"), "a GraalVM JDK runs its own libgraal: " + compiler);
        assertEquals("jargraal+host-jit", compiler);
        Result c2 = run(SCRIPT, dir, Map.of("TXL_HOST_JIT", "c2"), bench);
        assertEquals(0, c2.status(), c2.err());
        String c2Compiler = new com.fasterxml.jackson.databind.ObjectMapper().readTree(c2.out()).get("compiler").asText();
        assertTrue(c2Compiler.matches("jargraal(\\+aot-cache)?"), c2Compiler);
        Result bad = run(SCRIPT, dir, Map.of("TXL_HOST_JIT", "C2"), "--version");
        assertEquals(ExitStatus.USAGE, bad.status(), bad.err());
        assertEquals("txl: error: TXL_HOST_JIT=C2: expected graal (the default) or c2\n", bad.err());
    }

    @Test
    void findsAJdkAndReportsABadConfig() throws Exception {
        assumeBuilt();
        Files.writeString(dir.resolve("bad.cfg"), "name = \"hello\"\nkernel = \"hello.elf\"\nmemory = \"lots\"\n");
        Files.write(dir.resolve("hello.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
        Result result = run(SCRIPT, dir, Map.of(), "create", "-F", "bad.cfg");
        assertEquals("txl: error: bad.cfg:3: memory = \"lots\": expected an integer number of MiB\n", result.err());
        assertEquals(ExitStatus.BAD_CONFIG, result.status());
        assertEquals("", result.out());
    }

    @Test
    void skipsAnOldJavaHomeAndRunsWithTheGraalJit() throws Exception {
        assumeBuilt();
        Map<String, String> environment = Files.isDirectory(Path.of("/usr/lib/jvm/java-17-openjdk-amd64"))
                ? Map.of("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
                : Map.of();
        Result result = run(SCRIPT, dir, environment, "--version");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().startsWith("txl "), result.out());
        assertTrue(result.out().contains("(Graal JIT active)"), result.out());
    }

    @Test
    void saysHowToBuildWhenTheBuildIsMissing() throws Exception {
        assumeTrue(Files.isRegularFile(SCRIPT), "bin/txl not found at " + SCRIPT);
        // A checkout with the scripts but no build, reached through a symlink.
        Path fakeRoot = Files.createDirectories(dir.resolve("checkout"));
        Files.createDirectories(fakeRoot.resolve("bin/lib"));
        Files.copy(SCRIPT, fakeRoot.resolve("bin/txl"));
        Files.copy(ROOT.resolve("bin/lib/jdk.sh"), fakeRoot.resolve("bin/lib/jdk.sh"));
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("elsewhere")).resolve("txl"),
                Path.of("../checkout/bin/txl"));
        Result result = run(link, dir, Map.of("JAVA_HOME", System.getProperty("java.home")), "--version");
        Path realRoot = fakeRoot.toRealPath();
        assertEquals("txl: error: TruffleXen is not built (" + realRoot + "/launcher/target/classes is missing); run "
                + realRoot + "/bin/build, or in " + realRoot + ": mvn -q install -DskipTests\n", result.err());
        assertEquals(ExitStatus.UNAVAILABLE, result.status());
    }
}
