package dev.trufflexen.x86.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Machine memory is host address space: it costs what is stored into it, and a discard gives that back. */
class MachineMemoryTest {
    private static final long FRAMES_64_GIB = 1L << 24;

    @Test
    void reservingMoreThanTheHostHasCostsNothingAndReadsAsZero() {
        try (MachineMemory memory = new MachineMemory(FRAMES_64_GIB)) {
            assertEquals(0, memory.residentFrames(0, FRAMES_64_GIB));
            memory.write64(7L << 12, 42);
            memory.write8((FRAMES_64_GIB - 1 << 12) + 4095, (byte) 1);
            assertEquals(2, memory.residentFrames(0, FRAMES_64_GIB), "two frames stored to, two frames resident");
            assertEquals(0, memory.read64((FRAMES_64_GIB - 1) << 12));
            assertEquals(0, memory.read64(12345L << 12));
        }
    }

    @Test
    void discardedFramesReadAsZeroAndCostNothing() {
        try (MachineMemory memory = new MachineMemory(64)) {
            for (long mfn = 0; mfn < 64; mfn++) {
                memory.fill(mfn << 12, MachineMemory.PAGE_SIZE, (byte) 0xA5);
            }
            assertEquals(64, memory.residentFrames(0, 64));
            memory.discardFrames(8, 16);
            assertEquals(48, memory.residentFrames(0, 64));
            for (long mfn = 8; mfn < 24; mfn++) {
                assertEquals(0, memory.read64(mfn << 12));
                assertEquals(0, memory.read64((mfn << 12) + 4088));
            }
            assertEquals((byte) 0xA5, memory.read8(7L << 12));
            assertEquals((byte) 0xA5, memory.read8(24L << 12));
            assertThrows(IllegalArgumentException.class, () -> memory.discardFrames(60, 8), "past the end");
        }
    }
}
