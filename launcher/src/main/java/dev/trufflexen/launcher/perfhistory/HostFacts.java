package dev.trufflexen.launcher.perfhistory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * What a benchmark record says about the host: the machine (from /proc/cpuinfo and
 * /proc/meminfo on Linux, the JVM's view elsewhere), its load and the JVM's versions.
 */
public final class HostFacts {
    private HostFacts() {
    }

    /** This machine, with its history key. */
    public static PerfRecord.Machine machine() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
        int cores = Runtime.getRuntime().availableProcessors();
        long memory = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) * 1024)
                .orElse(Runtime.getRuntime().maxMemory());
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version");
        return new PerfRecord.Machine(machineKey(cpu, cores, memory), cpu, cores, memory, os);
    }

    /**
     * The history file name of a machine: its CPU model in lower-case words joined by dashes,
     * then the cores and the memory in GiB, e.g. {@code amd-epyc-7b13-2c-23g}.
     */
    static String machineKey(String cpuModel, int cores, long memoryBytes) {
        String model = cpuModel.toLowerCase(Locale.ROOT)
                .replaceAll("\\((r|tm)\\)", " ")
                .replaceAll("\\b(processor|cpu|with|radeon graphics|\\d+-core)\\b", " ")
                .replaceAll("@.*", " ")
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-+|-+$)", "");
        if (model.isEmpty()) {
            model = "cpu";
        }
        long gib = Math.round(memoryBytes / (1024.0 * 1024 * 1024));
        return model + "-" + cores + "c-" + gib + "g";
    }

    /** The one-minute load average, or NaN where the JVM cannot tell. */
    public static double loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? Double.NaN : load;
    }

    /**
     * The JVM, the Graal compiler and the Truffle runtime in use. The compiler module carries no
     * version of its own, so it is the GraalVM release the launcher was built against, when the
     * compiler module is loaded.
     */
    public static PerfRecord.RuntimeVersions runtime(String truffleRuntime) {
        String graal = ModuleLayer.boot().findModule("jdk.graal.compiler")
                .map(m -> m.getDescriptor().rawVersion().orElse(builtAgainstGraal()))
                .orElse("absent");
        return new PerfRecord.RuntimeVersions(System.getProperty("java.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"), graal, truffleRuntime,
                compiler());
    }

    /**
     * How this JVM runs the Graal compiler: {@code libgraal} (compiled ahead of time into a GraalVM
     * JDK, warm from the start) or {@code jargraal} (the Graal jars, which the JVM itself must first
     * warm up); {@code none} without JVMCI. With jargraal, {@code +host-jit} follows when Graal
     * is also the JVM's own top-tier JIT ({@code -XX:+UseJVMCICompiler}, bin/txl's default), and
     * {@code +aot-cache} when the JVM runs with a JDK AOT cache (its class-data sharing active and
     * {@code -XX:AOTCache} given).
     */
    public static String compiler() {
        com.sun.management.HotSpotDiagnosticMXBean vm =
                ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        String compiler;
        if (!"true".equals(vmOption(vm, "EnableJVMCI"))) {
            compiler = "none";
        } else if ("true".equals(vmOption(vm, "UseJVMCINativeLibrary"))) {
            compiler = "libgraal";
        } else {
            compiler = "true".equals(vmOption(vm, "UseJVMCICompiler")) ? "jargraal+host-jit" : "jargraal";
        }
        String aotCache = vmOption(vm, "AOTCache");
        boolean sharing = System.getProperty("java.vm.info", "").contains("sharing");
        return compiler + (aotCache != null && !aotCache.isEmpty() && sharing ? "+aot-cache" : "");
    }

    private static String vmOption(com.sun.management.HotSpotDiagnosticMXBean vm, String name) {
        try {
            return vm.getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return null; // not an option of this JVM
        }
    }

    private static String builtAgainstGraal() {
        try (InputStream in = HostFacts.class.getResourceAsStream("/dev/trufflexen/launcher/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("graalvm", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
                    return Optional.of(line.substring(colon + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the caller's fallback
        }
        return Optional.empty();
    }
}
