package dev.trufflexen.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Domain memory is a limit the guest grows into; the frame table is what the heap must hold at once. */
class HostLimitsTest {
    @TempDir
    Path dir;

    @Test
    void theFrameTableTakes36BytesOfHeapPerFrame() {
        assertEquals(9, HostLimits.frameTableHeapMiB(1024), "262144 frames of 36 bytes");
        HostLimits limits = new HostLimits(1 << 20, "test", 1 << 20, 100);
        assertTrue(limits.heapHoldsFrameTable(1024));
        assertFalse(limits.heapHoldsFrameTable(8192), "72 MiB is more than half of 100");
    }

    @Test
    void aHostSizesItsMachineMemoryFromItsMemoryAsFarAsTheHeapHoldsTheFrameTable() {
        long machine = HostLimits.hostMachineMemoryMiB();
        assertTrue(machine >= HostLimits.MACHINE_OVERHEAD_MIB && machine <= 1 << 20, machine + " MiB");
        long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
        assertTrue(HostLimits.frameTableHeapMiB(machine) <= heapMiB / 2 + 1, machine + " MiB with a heap of " + heapMiB);
    }

    @Test
    void aDomainWhoseFrameTableOutgrowsTheHeapIsRefusedWithTheNumbers() throws IOException, ConfigException {
        Files.write(dir.resolve("hello.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
        Path file = Files.writeString(dir.resolve("big.cfg"), "name = \"big\"\nkernel = \"hello.elf\"\nmemory = 16384\n");
        HostLimits smallHeap = new HostLimits(1 << 20, "test", 1 << 20, 64);
        ConfigException e = assertThrows(ConfigException.class,
                () -> DomainConfigReader.read(file, "big.cfg", List.of(), dir, smallHeap));
        assertEquals("big.cfg:3: memory = 16384: needs a frame table of 145 MiB in the Java heap (36 bytes per 4 KiB "
                + "frame), more than half the maximum heap of 64 MiB (raise it with -Xmx in TXL_JAVA_OPTS)", e.getMessage());
        HostLimits enoughHeap = new HostLimits(1 << 20, "test", 1 << 20, 512);
        assertEquals(16384, readWith(file, enoughHeap).memoryMiB(), "16 GiB is only a limit");
    }

    private DomainConfig readWith(Path file, HostLimits limits) throws ConfigException {
        return DomainConfigReader.read(file, "big.cfg", List.of(), dir, limits);
    }
}
