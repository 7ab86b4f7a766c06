package dev.trufflexen.launcher.config;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * What this host and this JVM can give a domain, measured before anything is allocated.
 *
 * <p>A domain's memory is machine memory reserved off the Java heap in one block
 * ({@code MachineMemory}: {@code memory} plus {@value #MACHINE_OVERHEAD_MIB} MiB for Xen's own
 * tables), and the builder scrubs every frame it hands out, so a domain larger than the host's
 * free memory either fails the reservation or drives the host into swap and the OOM killer.
 * Kernel and ramdisk images are read into Java byte arrays, bounded by the heap and by the
 * largest array. So before building, {@link DomainConfigReader} compares the configuration with:
 *
 * <ul>
 *   <li>{@code availableMemoryMiB}: the smallest of {@code MemAvailable} in
 *       {@code /proc/meminfo} and the room left under a cgroup v2 {@code memory.max}, or the
 *       JVM's free physical memory where those cannot be read;</li>
 *   <li>{@code maxImageBytes}: half the JVM's maximum heap ({@code -Xmx}), and never more than
 *       the largest Java array.</li>
 * </ul>
 *
 * @param availableMemoryMiB machine memory a domain may take, in MiB
 * @param memorySource where that figure comes from, for messages
 * @param maxImageBytes the largest kernel or ramdisk image that can be read
 * @param maxHeapMiB the JVM's maximum heap, for messages
 */
public record HostLimits(long availableMemoryMiB, String memorySource, long maxImageBytes, long maxHeapMiB) {
    /** Machine memory reserved beyond the domain's own: the M2P table, Xen's page tables, headroom. */
    public static final long MACHINE_OVERHEAD_MIB = 64;
    private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 16;

    /** No limits: for tests that check everything else. */
    public static HostLimits unlimited() {
        return new HostLimits(Long.MAX_VALUE / 2, "unlimited", LARGEST_ARRAY, Long.MAX_VALUE >> 20);
    }

    /** This host and this JVM, now. */
    public static HostLimits probe() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        long maxImage = Math.min(LARGEST_ARRAY, maxHeap / 2);
        OptionalLong available = memInfoKiB("MemAvailable").stream().map(kib -> kib >> 10).findFirst();
        String source = "MemAvailable in /proc/meminfo";
        OptionalLong cgroupRoom = cgroupRoomMiB();
        if (cgroupRoom.isPresent() && (available.isEmpty() || cgroupRoom.getAsLong() < available.getAsLong())) {
            available = cgroupRoom;
            source = "room left under the cgroup's memory.max";
        }
        if (available.isEmpty()) {
            available = OptionalLong.of(jvmFreePhysicalMiB());
            source = "free physical memory reported to the JVM";
        }
        return new HostLimits(available.getAsLong(), source, maxImage, maxHeap >> 20);
    }

    /** Machine memory a domain of {@code memoryMiB} reserves. */
    public static long machineMemoryMiB(long memoryMiB) {
        return memoryMiB + MACHINE_OVERHEAD_MIB;
    }

    private static OptionalLong memInfoKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unreadable /proc: fall back
        }
        return OptionalLong.empty();
    }

    private static OptionalLong cgroupRoomMiB() {
        try {
            Path cgroup = Path.of("/sys/fs/cgroup");
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    cgroup = cgroup.resolve(line.substring(3).replaceFirst("^/", ""));
                }
            }
            for (Path dir : List.of(cgroup, Path.of("/sys/fs/cgroup"))) {
                Path max = dir.resolve("memory.max");
                Path current = dir.resolve("memory.current");
                if (Files.isRegularFile(max) && Files.isRegularFile(current)) {
                    String limit = Files.readString(max).trim();
                    if (limit.equals("max")) {
                        return OptionalLong.empty();
                    }
                    long room = Long.parseLong(limit) - Long.parseLong(Files.readString(current).trim());
                    return OptionalLong.of(Math.max(0, room) >> 20);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup v2 memory controller visible: no cgroup limit
        }
        return OptionalLong.empty();
    }

    private static long jvmFreePhysicalMiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize() >> 20;
        }
        return Long.MAX_VALUE >> 20;
    }
}
