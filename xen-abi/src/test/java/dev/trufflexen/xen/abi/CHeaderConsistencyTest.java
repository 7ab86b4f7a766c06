package dev.trufflexen.xen.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The guest SDK's C header agrees with the Java ABI: every layout offset, size and constant of
 * {@link AbiCatalog} is compiled as a {@code _Static_assert} against guest-images/sdk/include.
 */
class CHeaderConsistencyTest {
    private static final Path SDK_INCLUDE = Path.of("..", "guest-images", "sdk", "include");
    private static final List<String> HEADERS = List.of("xen/xen.h", "xen/sched.h", "xen/version.h", "xen/console.h",
            "xen/elfnote.h", "xen/errno.h", "xen/features.h", "xen/event_channel.h");

    @Test
    void sdkHeaderMatchesJavaAbi() throws Exception {
        assertTrue(Files.isDirectory(SDK_INCLUDE), "SDK headers not found at " + SDK_INCLUDE.toAbsolutePath());
        Path dir = Files.createTempDirectory("abi-check");
        Path source = dir.resolve("abi_check.c");
        Files.writeString(source, AbiCatalog.staticAssertions(HEADERS));
        Process gcc = new ProcessBuilder("gcc", "-std=gnu11", "-ffreestanding", "-fsyntax-only", "-Werror",
                "-I", SDK_INCLUDE.toString(), source.toString()).redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), "the SDK's C header disagrees with the Java ABI:\n" + output);
    }

    @Test
    void catalogCoversTheBootStructures() {
        assertEquals(1168, StartInfo.LAYOUT.size());
        assertEquals(3136, SharedInfo.LAYOUT.size());
        assertTrue(AbiCatalog.constants().containsKey("__HYPERVISOR_console_io"));
        assertTrue(AbiCatalog.constants().containsKey("XEN_ENOSYS"));
        String c = AbiCatalog.staticAssertions(HEADERS);
        assertTrue(c.contains("offsetof(struct start_info, console.domU.mfn) == 72"), c);
    }
}
