package dev.trufflexen.xen.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    public static List<String> expectedOutput(String guest) throws IOException {
        return Files.readAllLines(ROOT.resolve(guest).resolve("expected-output.txt"));
    }

    /** What domain {@code domid} wrote through console_io, without the "(dN) " prefix. */
    public static List<String> consoleIoLines(XenHypervisor xen, int domid) {
        String prefix = "(d" + domid + ") ";
        return xen.console().lines().stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .toList();
    }
}
