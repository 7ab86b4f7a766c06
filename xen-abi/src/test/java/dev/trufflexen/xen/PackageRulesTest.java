package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The Xen core's package rules, read from the sources: which package may use which (the layers
 * of docs/ARCHITECTURE.md), no cycles between packages, and nothing importing
 * {@code XenHypervisor}, the one class that wires the core together. A dependency is an import
 * (static or not) or a fully qualified name in code; comments and strings do not count.
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "trufflexen", "xen");
    private static final String ROOT = "dev.trufflexen.xen";
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.trufflexen\\.xen\\.([a-z][a-z0-9_]*)\\b(\\.([A-Z]\\w*))?");

    /** Each package of the core and the packages it may use. The root package (XenHypervisor) may use all. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("abi", Set.of()),
            Map.entry("log", Set.of()),
            Map.entry("time", Set.of()),
            Map.entry("mm", Set.of("abi")),
            Map.entry("domain", Set.of("abi", "log", "mm", "time")),
            Map.entry("hypercall", Set.of("abi", "log", "mm", "domain")),
            Map.entry("event", Set.of("abi", "mm", "domain", "hypercall")),
            Map.entry("sched", Set.of("abi", "log", "mm", "domain", "hypercall")),
            Map.entry("console", Set.of("abi", "log", "domain", "hypercall")),
            Map.entry("version", Set.of("abi", "domain", "hypercall")),
            Map.entry("pv", Set.of("abi", "log", "mm", "domain", "hypercall", "time", "version")),
            Map.entry("builder", Set.of("abi", "mm", "domain", "version")),
            Map.entry("dom0", Set.of("abi", "log", "mm", "domain", "event")));

    record Dependency(String fromFile, String fromPackage, String toPackage, String toClass) {
    }

    @Test
    void everyPackageHasItsPlaceInTheLayers() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            dirs.filter(Files::isDirectory).forEach(dir -> packages.add(dir.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages,
                "a new package must be given its place (and its allowed dependencies) in this test");
    }

    @Test
    void packagesUseOnlyWhatTheirLayerAllows() {
        List<String> violations = new ArrayList<>();
        for (Dependency d : dependencies()) {
            if (!d.fromPackage().isEmpty() && !d.fromPackage().equals(d.toPackage())
                    && !ALLOWED.get(d.fromPackage()).contains(d.toPackage())) {
                violations.add(d.fromFile() + " uses " + ROOT + "." + d.toPackage()
                        + (d.toClass() == null ? "" : "." + d.toClass()));
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void nothingImportsXenHypervisor() {
        List<String> offenders = dependencies().stream()
                .filter(d -> d.toPackage().isEmpty() && "XenHypervisor".equals(d.toClass()))
                .map(Dependency::fromFile).toList();
        assertEquals(List.of(), offenders);
    }

    @Test
    void thereAreNoCyclesBetweenPackages() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Dependency d : dependencies()) {
            if (!d.fromPackage().equals(d.toPackage())) {
                graph.computeIfAbsent(d.fromPackage(), k -> new TreeSet<>()).add(d.toPackage());
            }
        }
        assertEquals(List.of(), cycle(graph), "a cycle between packages");
    }

    @Test
    void theCycleFinderFindsCycles() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        List<String> found = cycle(graph);
        assertFalse(found.isEmpty());
        assertTrue(found.containsAll(List.of("a", "b", "c")), found.toString());
        assertEquals(List.of(), cycle(Map.of("a", Set.of("b"), "b", Set.of())));
    }

    @Test
    void theScannerSeesImportsAndQualifiedNamesButNotComments() {
        String source = "package dev.trufflexen.xen.mm;\n"
                + "import dev.trufflexen.xen.abi.X86Pv;\n"
                + "import static dev.trufflexen.xen.log.HypervisorConsole.foo;\n"
                + "/** see {@link dev.trufflexen.xen.domain.Domain} */\n"
                + "class A { // dev.trufflexen.xen.pv.PvEntry\n"
                + "  Object o = dev.trufflexen.xen.XenHypervisor.class; String s = \"dev.trufflexen.xen.sched.X\";\n"
                + "  Object p = dev.trufflexen.xen.event.EventChannels.PART; }\n";
        Set<String> seen = new TreeSet<>();
        for (Dependency d : scan("A.java", source)) {
            seen.add(d.toPackage() + ":" + d.toClass());
        }
        assertEquals(Set.of("abi:X86Pv", "log:HypervisorConsole", ":XenHypervisor", "event:EventChannels"), seen);
    }

    /** Every dependency of every main source file of the core. */
    private static List<Dependency> dependencies() {
        List<Dependency> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                all.addAll(scan(SOURCES.relativize(file).toString(), Files.readString(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertFalse(all.isEmpty(), "no sources found under " + SOURCES.toAbsolutePath());
        return all;
    }

    private static List<Dependency> scan(String fileName, String source) {
        String code = source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ")
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
        Matcher packageLine = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(code);
        String ownPackage = packageLine.find() ? packageLine.group(1) : "";
        // A subpackage (builder.image) belongs to its top-level package's layer.
        String from = ownPackage.equals(ROOT) ? "" : ownPackage.substring(Math.min(ownPackage.length(), ROOT.length() + 1))
                .split("\\.")[0];
        String body = packageLine.find(0) ? code.substring(packageLine.end()) : code;
        List<Dependency> out = new ArrayList<>();
        Matcher m = REFERENCE.matcher(body);
        while (m.find()) {
            String first = m.group(1);
            out.add(new Dependency(fileName, from, first, m.group(3)));
        }
        Matcher rootClass = Pattern.compile("\\bdev\\.trufflexen\\.xen\\.([A-Z]\\w*)").matcher(body);
        while (rootClass.find()) {
            out.add(new Dependency(fileName, from, "", rootClass.group(1)));
        }
        return out;
    }

    /** One cycle of {@code graph} (its nodes), or an empty list. */
    private static List<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>();
        List<String> path = new ArrayList<>();
        for (String node : graph.keySet()) {
            List<String> found = visit(node, graph, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
            List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            return List.copyOf(path.subList(path.indexOf(node), path.size()));
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> found = visit(next, graph, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }
}
