package dev.trufflexen.launcher.config;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.trufflexen.xen.mm.FramePool;

/**
 * What this host and this JVM can give a domain, measured before anything is allocated.
 *
 * <p>Machine memory is host address space, not host memory ({@code MachineMemory}): reserving it
 * costs nothing, a frame costs host memory from the guest's (or the builder's) first store into
 * it, and a frame given back is returned to the host. A domain's {@code memory} is therefore a
 * limit it may grow into, not a reservation made at creation. What does cost memory at once is
 * the hypervisor's bookkeeping: the frame table and frame owners live in the Java heap,
 * {@value dev.trufflexen.xen.mm.FramePool#HEAP_BYTES_PER_FRAME} bytes per 4 KiB frame of machine
 * memory, and the M2P table 8 bytes per frame in machine memory. Kernel and ramdisk images are
 * read into Java byte arrays, bounded by the heap and by the largest array. So before building,
 * {@link DomainConfigReader} checks the configuration honestly against:
 *
 * <ul>
 *   <li>{@code availableMemoryMiB}: the smallest of {@code MemAvailable} in
 *       {@code /proc/meminfo} and the room left under a cgroup v2 {@code memory.max}, or the
 *       JVM's free physical memory where those cannot be read. A domain whose memory exceeds it
 *       is refused: its guest could touch all of its memory, and the host would then swap or
 *       kill; what the check promises is that the domain can use what it was given;</li>
 *   <li>{@code maxHeapMiB}: half of it must hold the frame table of the machine memory the domain
 *       needs ({@link #frameTableHeapMiB});</li>
 *   <li>{@code maxImageBytes}: half the JVM's maximum heap ({@code -Xmx}), and never more than
 *       the largest Java array.</li>
 * </ul>
 *
 * <p>A long-lived host that holds many domains sizes its machine memory from the host
 * ({@link #hostMachineMemoryMiB}): all of the host's memory, since reserving it is free, as far
 * as the heap can hold its frame table.
 *
 * @param availableMemoryMiB host memory a domain may grow into, in MiB
 * @param memorySource where that figure comes from, for messages
 * @param maxImageBytes the largest kernel or ramdisk image that can be read
 * @param maxHeapMiB the JVM's maximum heap, for messages and the frame table's check
 */
public record HostLimits(long availableMemoryMiB, String memorySource, long maxImageBytes, long maxHeapMiB) {
    /** Machine memory beyond the domain's own in a one-domain host: the M2P table, Xen's page tables, headroom. */
    public static final long MACHINE_OVERHEAD_MIB = 64;
    private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 16;
    /** MachineMemory's limit of 2^28 frames. */
    private static final long MAX_MACHINE_MEMORY_MIB = 1L << 20;

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

    /** Machine memory (address space) of a host that holds one domain of {@code memoryMiB}. */
    public static long machineMemoryMiB(long memoryMiB) {
        return memoryMiB + MACHINE_OVERHEAD_MIB;
    }

    /** Java heap the frame table of {@code machineMemoryMiB} of machine memory takes, rounded up. */
    public static long frameTableHeapMiB(long machineMemoryMiB) {
        long frames = machineMemoryMiB << 8;
        return (frames * FramePool.HEAP_BYTES_PER_FRAME + (1 << 20) - 1) >> 20;
    }

    /** True when half the JVM's heap holds the frame table of {@code machineMemoryMiB}. */
    public boolean heapHoldsFrameTable(long machineMemoryMiB) {
        return frameTableHeapMiB(machineMemoryMiB) <= maxHeapMiB / 2;
    }

    /**
     * Machine memory for a long-lived host holding many domains: the host's physical memory
     * ({@code MemTotal}, or the cgroup's {@code memory.max} when lower), no more than half the
     * heap can keep the frame table of, and never more than machine memory's limit of 1 TiB.
     */
    public static long hostMachineMemoryMiB() {
        long total = memInfoKiB("MemTotal").orElse(jvmTotalPhysicalKiB()) >> 10;
        OptionalLong cgroupMax = cgroupMaxMiB();
        if (cgroupMax.isPresent()) {
            total = Math.min(total, cgroupMax.getAsLong());
        }
        long heapBound = (Runtime.getRuntime().maxMemory() / 2 / FramePool.HEAP_BYTES_PER_FRAME) >> 8;
        return Math.max(MACHINE_OVERHEAD_MIB, Math.min(Math.min(total, heapBound), MAX_MACHINE_MEMORY_MIB));
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

    /** Room left under this process's cgroup v2 {@code memory.max}, when it has one. */
    private static OptionalLong cgroupRoomMiB() {
        OptionalLong max = cgroupMemoryBytes("memory.max");
        OptionalLong current = cgroupMemoryBytes("memory.current");
        if (max.isEmpty() || current.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, max.getAsLong() - current.getAsLong()) >> 20);
    }

    /** This process's cgroup v2 {@code memory.max}, when it has one. */
    private static OptionalLong cgroupMaxMiB() {
        OptionalLong max = cgroupMemoryBytes("memory.max");
        return max.isEmpty() ? max : OptionalLong.of(max.getAsLong() >> 20);
    }

    /** A byte count of the memory cgroup ({@code memory.max}, {@code memory.current}); empty for "max" or none. */
    private static OptionalLong cgroupMemoryBytes(String file) {
        try {
            Optional<Path> dir = memoryCgroup();
            if (dir.isPresent()) {
                String value = Files.readString(dir.get().resolve(file)).trim();
                return value.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable cgroup: no cgroup limit
        }
        return OptionalLong.empty();
    }

    /** This process's cgroup v2 directory with a memory controller (or the root's), if one is visible. */
    private static Optional<Path> memoryCgroup() {
        try {
            Path cgroup = Path.of("/sys/fs/cgroup");
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    cgroup = cgroup.resolve(line.substring(3).replaceFirst("^/", ""));
                }
            }
            for (Path dir : List.of(cgroup, Path.of("/sys/fs/cgroup"))) {
                if (Files.isRegularFile(dir.resolve("memory.max")) && Files.isRegularFile(dir.resolve("memory.current"))) {
                    return Optional.of(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup v2 memory controller visible
        }
        return Optional.empty();
    }

    private static long jvmTotalPhysicalKiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() >> 10;
        }
        return MAX_MACHINE_MEMORY_MIB << 10;
    }

    private static long jvmFreePhysicalMiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize() >> 20;
        }
        return Long.MAX_VALUE >> 20;
    }
}
