package dev.trufflexen.perf;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the guest images built by guest-images/ are: {@code guest-images/build} in the source
 * tree this class was built in (found from its class-path location, so {@code bin/perf} works
 * from any directory), else relative to the working directory.
 */
final class GuestImageFiles {
    private GuestImageFiles() {
    }

    /** {@code build/<guest>/<guest>.elf}. */
    static Path kernel(String guest) {
        Path elf = buildDirectory().resolve(guest).resolve(guest + ".elf");
        if (!Files.isRegularFile(elf)) {
            throw new IllegalStateException("guest image " + elf + " is not built (run make in guest-images, or bin/build)");
        }
        return elf;
    }

    static Path buildDirectory() {
        try {
            Path start = Path.of(GuestImageFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = start; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("guest-images"))) {
                    return p.resolve("guest-images").resolve("build");
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working directory
        }
        return Path.of("..", "guest-images", "build").toAbsolutePath().normalize();
    }
}
