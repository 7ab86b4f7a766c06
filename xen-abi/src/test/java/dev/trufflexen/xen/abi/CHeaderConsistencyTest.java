package dev.trufflexen.xen.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The guest SDK's C headers and the Java ABI agree, both ways: every layout offset, field size,
 * structure size and constant of {@link AbiCatalog} is compiled as a {@code _Static_assert}
 * against guest-images/sdk/include, and every {@code #define} and {@code struct} of the SDK's
 * Xen headers is in the catalog or listed C-only with a reason.
 */
class CHeaderConsistencyTest {
    private static final Path SDK_INCLUDE = Path.of("..", "guest-images", "sdk", "include");
    private static final Path XEN_HEADERS = SDK_INCLUDE.resolve("xen");
    private static final Pattern DEFINE = Pattern.compile("^#\\s*define\\s+([A-Za-z_][A-Za-z0-9_]*)(\\()?", Pattern.MULTILINE);
    private static final Pattern STRUCT = Pattern.compile("^struct\\s+([a-z_0-9]+)\\s*\\{", Pattern.MULTILINE);

    private static List<String> headers() throws IOException {
        try (Stream<Path> files = Files.list(XEN_HEADERS)) {
            return files.map(f -> "xen/" + f.getFileName()).filter(n -> n.endsWith(".h")).sorted().toList();
        }
    }

    @Test
    void sdkHeadersMatchJavaAbi() throws Exception {
        assertTrue(Files.isDirectory(SDK_INCLUDE), "SDK headers not found at " + SDK_INCLUDE.toAbsolutePath());
        Path dir = Files.createTempDirectory("abi-check");
        Path source = dir.resolve("abi_check.c");
        Files.writeString(source, AbiCatalog.staticAssertions(headers()));
        Process gcc = new ProcessBuilder("gcc", "-std=gnu11", "-ffreestanding", "-fsyntax-only", "-Werror",
                "-I", SDK_INCLUDE.toString(), source.toString()).redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), "the SDK's C headers disagree with the Java ABI:\n" + output);
    }

    @Test
    void everyCDefinitionHasAJavaTwinOrAReason() throws Exception {
        Set<String> javaConstants = AbiCatalog.constants().keySet();
        Set<String> javaStructs = AbiCatalog.structs().stream().map(AbiStruct::cName).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        Set<String> unusedReasons = new TreeSet<>(AbiCatalog.C_ONLY.keySet());
        for (String header : headers()) {
            String text = Files.readString(SDK_INCLUDE.resolve(header));
            Matcher define = DEFINE.matcher(text);
            while (define.find()) {
                String name = define.group(1);
                boolean functionLike = define.group(2) != null;
                if (functionLike || name.startsWith("TRUFFLEXEN_SDK_")) {
                    continue; // macros with parameters and include guards define no ABI value
                }
                unusedReasons.remove(name);
                if (!javaConstants.contains(name) && !AbiCatalog.C_ONLY.containsKey(name)) {
                    missing.add(header + ": #define " + name);
                }
            }
            Matcher struct = STRUCT.matcher(text);
            while (struct.find()) {
                String name = "struct " + struct.group(1);
                if (!javaStructs.contains(name) && !AbiCatalog.C_ONLY.containsKey(name)) {
                    missing.add(header + ": " + name);
                }
            }
        }
        assertEquals(List.of(), missing, "C definitions without a Java twin (add them to the ABI classes, "
                + "or to AbiCatalog.C_ONLY with the reason)");
        assertEquals(Set.of(), unusedReasons, "C_ONLY names that no SDK header defines any more");
    }

    @Test
    void catalogCoversTheBootStructuresAndTheNextIssuesConstants() throws Exception {
        assertEquals(1168, StartInfo.LAYOUT.size());
        assertEquals(3136, SharedInfo.LAYOUT.size());
        var constants = AbiCatalog.constants();
        for (String name : List.of("__HYPERVISOR_console_io", "XEN_ENOSYS", "MMUEXT_PIN_L4_TABLE",
                "MMU_PT_UPDATE_PRESERVE_AD", "UVMF_INVLPG", "VIRQ_TIMER", "DOMID_SELF", "VMASST_TYPE_m2p_strict",
                "CALLBACKTYPE_syscall", "VCPUOP_register_vcpu_info", "XENMEM_populate_physmap",
                "PHYSDEVOP_set_iopl")) {
            assertTrue(constants.containsKey(name), name);
        }
        String c = AbiCatalog.staticAssertions(headers());
        assertTrue(c.contains("offsetof(struct start_info, console.domU.mfn) == 72"), c);
        assertTrue(c.contains("sizeof(((struct start_info *)0)->console.domU.mfn) == 8"), c);
    }
}
