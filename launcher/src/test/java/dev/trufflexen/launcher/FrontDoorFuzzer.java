package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.trufflexen.launcher.CreateCommand.GuestStop;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.XenHypervisor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Runs {@code txl create} in-process on mutated inputs and collects every case that breaks the
 * front door's promise: an exit status outside the documented set, anything but exactly one
 * printable {@code txl: error:} line for an error, a Java failure in the output, a case slower
 * than {@link #CASE_BOUND}, or machine frames still held after the case.
 *
 * <p>Domains are built on the real Xen core (one hypervisor shared by all cases, so each case
 * costs a build, not an engine start) and released without running: a mutated kernel may
 * legitimately loop forever, and running guests is what the hostile-guest tests are for. A
 * failing case's input is saved under {@code target/fuzz-failures/} to be replayed with
 * {@code bin/txl create}.
 */
final class FrontDoorFuzzer implements AutoCloseable {
    /** The longest one case may take. */
    static final Duration CASE_BOUND = Duration.ofSeconds(10);
    static final Path GUESTS = Path.of("..", "guest-images").toAbsolutePath().normalize();
    private static final long MACHINE_MEMORY_MIB = 384;

    private final XenHypervisor xen = XenHypervisor.create(
            new XenHypervisor.Options(true, false, null, MACHINE_MEMORY_MIB));
    private final long freeFramesAtStart = xen.framePool().freeFrames();
    private final Set<Integer> allowedStatuses;
    private final Path workingDirectory;
    private final List<String> failures = new ArrayList<>();
    private int cases;
    private int accepted;
    private final long started = System.nanoTime();

    FrontDoorFuzzer(Set<Integer> allowedStatuses, Path workingDirectory) {
        this.allowedStatuses = allowedStatuses;
        this.workingDirectory = workingDirectory;
    }

    /** Makes a case from an input; says what it did in {@code description}. */
    @FunctionalInterface
    interface Mutation {
        byte[] apply(byte[] input, Random random, StringBuilder description) throws IOException;
    }

    /**
     * Runs the cases and fails with every broken rule: each case mutates one of {@code bases}
     * one to three times, writes it to {@code target} and runs {@code txl create config}.
     * {@code -Dfuzz.seed=} and {@code -Dfuzz.cases=} override the default seed and count.
     */
    void fuzz(String what, long defaultSeed, int defaultCases, List<byte[]> bases, Mutation mutation, Path target,
            Path config) throws IOException {
        long seed = Long.getLong("fuzz.seed", defaultSeed);
        int count = Integer.getInteger("fuzz.cases", defaultCases);
        Random random = new Random(seed);
        List<Path> inputs = config.equals(target) ? List.of(config) : List.of(config, target);
        for (int i = 0; i < count; i++) {
            byte[] input = bases.get(random.nextInt(bases.size()));
            StringBuilder description = new StringBuilder("seed " + seed + ", case " + i + ":");
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                input = mutation.apply(input, random, description);
            }
            Files.write(target, input);
            check(description.toString(), config, inputs);
        }
        finish(what, seed);
    }

    /** Fails with every broken rule; otherwise says how many cases ran and how long they took. */
    void finish(String what, long seed) {
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        org.junit.jupiter.api.Assertions.assertTrue(failures.isEmpty(), this::report);
        System.out.println(what + ": " + cases + " cases, " + accepted + " accepted, seed " + seed + ", "
                + seconds + " s");
    }

    /**
     * Runs {@code txl create config} and records a failure if the outcome breaks a rule.
     *
     * @param description how the case was made, for the failure report
     * @param inputs the files the case is made of, saved if it fails
     * @param overrides {@code key=value} arguments after the file
     */
    void check(String description, Path config, List<Path> inputs, String... overrides) {
        cases++;
        String[] args = new String[overrides.length + 3];
        args[0] = "create";
        args[1] = "-F";
        args[2] = config.toString();
        System.arraycopy(overrides, 0, args, 3, overrides.length);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int status;
        try {
            status = assertTimeoutPreemptively(CASE_BOUND, () -> Txl.run(context(err), args));
        } catch (AssertionError e) {
            fail(description, inputs, "did not finish in " + CASE_BOUND.toSeconds() + " s");
            return;
        } catch (Throwable e) {
            fail(description, inputs, "escaped from txl: " + e);
            return;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String stderr = err.toString(StandardCharsets.UTF_8);
        String problem = problem(allowedStatuses, status, stderr);
        if (problem == null && xen.framePool().freeFrames() != freeFramesAtStart) {
            problem = (freeFramesAtStart - xen.framePool().freeFrames()) + " machine frames still held after the case";
        }
        if (problem != null) {
            fail(description, inputs, problem + " (status " + status + ", " + millis + " ms): " + stderr.strip());
        } else if (status == 0) {
            accepted++;
        }
    }

    private TxlContext context(ByteArrayOutputStream err) {
        return new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), workingDirectory, Map.of(), false, () -> true,
                this::buildAndRelease);
    }

    private GuestStop buildAndRelease(dev.trufflexen.launcher.config.DomainConfig config, CreateCommand.RunOptions
            options, CreateCommand.ConsoleRoute console) {
        Domain domain = XenCoreRunner.build(xen, config);
        options.domainBuilt().run();
        domain.release();
        return GuestStop.POWEROFF;
    }

    /**
     * What is wrong with how txl ended, or null: a status outside {@code allowedStatuses}, a
     * non-printable character or a Java failure on stderr, or an error that is not exactly one
     * {@code txl: error:} line.
     */
    static String problem(Set<Integer> allowedStatuses, int status, String stderr) {
        if (!allowedStatuses.contains(status)) {
            return "exit status outside " + allowedStatuses;
        }
        for (String line : stderr.lines().toList()) {
            if (!line.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)
                    && Character.getType(c) != Character.FORMAT)) {
                return "a non-printable character on stderr";
            }
            for (String leak : List.of("Exception", "Error:", "\tat ", "java.", "internal error")) {
                if (line.contains(leak)) {
                    return "a Java failure on stderr (" + leak + ")";
                }
            }
        }
        if (status != 0 && (!stderr.startsWith("txl: error: ") || stderr.indexOf('\n') != stderr.length() - 1)) {
            return "not exactly one txl: error: line";
        }
        if (stderr.length() > 2100) {
            return "an error line of " + stderr.length() + " characters";
        }
        return null;
    }

    private void fail(String description, List<Path> inputs, String problem) {
        Path saved = Path.of("target", "fuzz-failures", "case-" + cases).toAbsolutePath();
        try {
            Files.createDirectories(saved);
            for (Path input : inputs) {
                Files.copy(input, saved.resolve(input.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            saved = Path.of("(not saved: " + e.getMessage() + ")");
        }
        failures.add("case " + cases + " [" + description + "] saved in " + saved + ": " + problem);
    }

    /** Every failure, one per line; empty when all cases kept the rules. */
    private String report() {
        return String.join("\n", failures.subList(0, Math.min(20, failures.size())))
                + (failures.size() > 20 ? "\n... and " + (failures.size() - 20) + " more" : "");
    }

    @Override
    public void close() {
        xen.close();
    }
}
