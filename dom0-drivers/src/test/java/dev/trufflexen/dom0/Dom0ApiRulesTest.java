package dev.trufflexen.dom0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * dom0 services see the Xen core only through the dom0 API: they may use
 * {@code dev.trufflexen.xen.dom0} and the ABI, the hypervisor console for their log lines, and
 * {@code Domain} as the name of the guest they serve; never guest memory by machine address
 * ({@code MachineMemory}), the frame pool, event-channel internals or the hypervisor itself.
 */
class Dom0ApiRulesTest {
    private static final Path SOURCES = Path.of("src", "main", "java");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.trufflexen\\.(xen|x86)\\.[\\w.]*[A-Z]\\w*");
    private static final List<Pattern> ALLOWED = List.of(
            Pattern.compile("dev\\.trufflexen\\.xen\\.dom0\\.\\w+"),
            Pattern.compile("dev\\.trufflexen\\.xen\\.abi\\.\\w+(\\.\\w+)?"),
            Pattern.compile("dev\\.trufflexen\\.xen\\.log\\.HypervisorConsole"),
            Pattern.compile("dev\\.trufflexen\\.xen\\.domain\\.Domain"));

    @Test
    void servicesUseOnlyTheDom0Api() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(SOURCES)) {
            for (Path file : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                String code = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    String used = m.group();
                    if (ALLOWED.stream().noneMatch(p -> p.matcher(used).matches())) {
                        violations.add(SOURCES.relativize(file) + " uses " + used);
                    }
                }
            }
        }
        assertFalse(files == 0, "no sources under " + SOURCES.toAbsolutePath());
        assertEquals(List.of(), violations);
    }
}
