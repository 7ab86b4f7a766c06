package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;

/** The guest images built by guest-images/ (the Maven build runs make before these tests). */
public final class GuestImages {
    public static final Path ROOT = Path.of("..", "guest-images");

    private GuestImages() {
    }

    public static Path kernel(String guest) {
        Path elf = ROOT.resolve("build").resolve(guest).resolve(guest + ".elf");
        assertTrue(Files.isRegularFile(elf), "guest image " + elf.toAbsolutePath() + " not built (run make in guest-images)");
        return elf;
    }

    /**
     * An image of {@code guest-images/build/shapes/} (hello repackaged: notes only in sections,
     * __xen_guest, gzip, bzImages).
     */
    public static Path shape(String file) {
        Path image = ROOT.resolve("build").resolve("shapes").resolve(file);
        assertTrue(Files.isRegularFile(image), "kernel shape " + image.toAbsolutePath() + " not built: run make in "
                + "guest-images (a bzImage needs its compressor: Debian packages gzip bzip2 xz-utils lzop lz4 zstd)");
        return image;
    }

    public static List<String> expectedOutput(String guest) throws IOException {
        return Files.readAllLines(ROOT.resolve(guest).resolve("expected-output.txt"));
    }

    /** What domain {@code domid} wrote through console_io, without the "(dN) " prefix. */
    /** A domain of guest image {@code guest} with 32 MiB, one vCPU and {@code cmdline}, destroyed on every shutdown. */
    public static Domain createGuest(XenHypervisor xen, String guest, String cmdline) {
        return xen.createDomain(new DomainSpec(guest, kernel(guest), Optional.empty(), 32, 1, cmdline,
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    /** The domain's console_io lines, then its crash report if it crashed: the context of a failed assertion. */
    public static String transcript(XenHypervisor xen, Domain domain) {
        return String.join("\n", consoleIoLines(xen, domain.id())) + "\n"
                + (domain.crashReport() == null ? "" : domain.crashReport().text());
    }

    public static List<String> consoleIoLines(XenHypervisor xen, int domid) {
        String prefix = "(d" + domid + ") ";
        return xen.console().lines().stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .toList();
    }

    /**
     * Runs the host build of {@code guest} ({@code build/<guest>/host/<guest>}: the same C and
     * code-generation flags as a static Linux executable) and returns its standard output lines.
     */
    public static List<String> hostOutput(String guest) throws IOException, InterruptedException {
        Path executable = ROOT.resolve("build").resolve(guest).resolve("host").resolve(guest);
        assertTrue(Files.isExecutable(executable),
                "host build " + executable.toAbsolutePath() + " not built (run make in guest-images)");
        Process process = new ProcessBuilder(executable.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), executable + " did not finish");
        assertTrue(process.exitValue() == 0, executable + " exited with status " + process.exitValue());
        return new String(output, StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines where {@code actual} differs from {@code expected}, one message each (at most {@code limit}). */
    public static List<String> differences(List<String> expected, List<String> actual, int limit) {
        List<String> differences = new ArrayList<>();
        int lines = Math.max(expected.size(), actual.size());
        for (int i = 0; i < lines && differences.size() < limit; i++) {
            String want = i < expected.size() ? expected.get(i) : "<no line>";
            String got = i < actual.size() ? actual.get(i) : "<no line>";
            if (!want.equals(got)) {
                differences.add("line " + (i + 1) + ":\n  host:  " + want + "\n  guest: " + got);
            }
        }
        return differences;
    }
}
