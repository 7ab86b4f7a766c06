package dev.trufflexen.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One workload of the benchmark suite as guest-images/bench builds it:
 * {@code build/bench/NAME.cfg} (the domain, whose kernel is {@code build/bench/NAME/NAME.elf}) and
 * {@code build/bench-host/NAME} (the same driver and workload as a static Linux executable).
 */
public record BenchWorkload(String name, Path config, Path guestImage, Path hostExecutable) {

    /**
     * The workloads built under {@code buildDirectory} (guest-images/build) whose names
     * {@code filter} finds, in name order.
     *
     * @throws BenchImagesMissingException when the suite is not built, or only partly
     */
    static List<BenchWorkload> discover(Path buildDirectory, Pattern filter) {
        Path guests = buildDirectory.resolve("bench");
        Path hosts = buildDirectory.resolve("bench-host");
        if (!Files.isDirectory(guests) || !Files.isDirectory(hosts)) {
            throw new BenchImagesMissingException("the benchmark images are not built (" + guests + " or " + hosts
                    + " is missing); run: make -C guest-images bench (or bin/build)");
        }
        List<BenchWorkload> all;
        try (Stream<Path> files = Files.list(guests)) {
            all = files.filter(f -> f.getFileName().toString().endsWith(".cfg"))
                    .map(f -> {
                        String name = f.getFileName().toString().replaceFirst("\\.cfg$", "");
                        return new BenchWorkload(name, f, guests.resolve(name).resolve(name + ".elf"), hosts.resolve(name));
                    })
                    .sorted(Comparator.comparing(BenchWorkload::name))
                    .toList();
        } catch (IOException e) {
            throw new BenchImagesMissingException("cannot list " + guests + ": " + e.getMessage());
        }
        if (all.isEmpty()) {
            throw new BenchImagesMissingException("no benchmark images in " + guests + "; run: make -C guest-images bench");
        }
        for (BenchWorkload workload : all) {
            if (!Files.isRegularFile(workload.guestImage()) || !Files.isExecutable(workload.hostExecutable())) {
                throw new BenchImagesMissingException("benchmark " + workload.name() + " is only partly built ("
                        + workload.guestImage() + " or " + workload.hostExecutable()
                        + " is missing); run: make -C guest-images bench");
            }
        }
        return all.stream().filter(w -> filter.matcher(w.name()).find()).toList();
    }

    /** The suite has not been built. */
    static final class BenchImagesMissingException extends RuntimeException {
        BenchImagesMissingException(String message) {
            super(message);
        }
    }
}
