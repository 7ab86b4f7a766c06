package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.x86.TruffleRuntimeCheck;

/**
 * {@code kernel} and {@code ramdisk} from an xl.cfg file through {@code txl create} to the
 * running guest: a bzImage kernel, and a ramdisk the initp2m guest finds by frame number.
 */
class KernelAndRamdiskConfigTest {
    private static final Path IMAGES = Path.of("..", "guest-images", "build").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int create(String config) throws IOException {
        Path cfg = dir.resolve("domain.cfg");
        Files.writeString(cfg, config);
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir, Map.of(), false,
                TruffleRuntimeCheck::isOptimizing, CreateCommand::runOnXenCore);
        return Txl.run(context, "create", "-F", cfg.toString());
    }

    @Test
    void bzImageKernel() throws IOException {
        assertEquals(ExitStatus.GUEST_POWEROFF, create("name = \"hello\"\nkernel = \""
                + IMAGES.resolve("shapes/hello.bz-xz") + "\"\nmemory = 32\n"), err.toString());
        List<String> console = Files.readAllLines(dir.resolve("hello.log"));
        assertEquals("Hello from TruffleXen!", console.getFirst());
        assertEquals("hello: done", console.getLast());
    }

    @Test
    void ramdiskReachesTheGuest() throws IOException {
        Files.write(dir.resolve("initrd.img"), new byte[10_000]);
        assertEquals(ExitStatus.GUEST_POWEROFF, create("name = \"initp2m\"\nkernel = \""
                + IMAGES.resolve("initp2m/initp2m.elf") + "\"\nramdisk = \"initrd.img\"\nmemory = 32\n"),
                err.toString());
        List<String> console = Files.readAllLines(dir.resolve("initp2m.log"));
        assertTrue(console.stream().anyMatch(line -> line.matches("ramdisk: pfn 0x[0-9a-f]+, 12288 bytes")),
                String.join("\n", console));
    }
}
