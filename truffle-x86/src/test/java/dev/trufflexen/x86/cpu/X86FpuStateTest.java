package dev.trufflexen.x86.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class X86FpuStateTest {
    @Test
    void resetStateIsFninitWithDefaultMxcsr() {
        X86FpuState state = new X86FpuState();
        state.reset();
        byte[] image = new byte[X86FpuState.FXSAVE_SIZE];
        state.saveFxsave(image, 0);
        assertEquals(0x7F, image[0] & 0xFF);
        assertEquals(0x03, image[1] & 0xFF);
        assertEquals(0, image[4], "abridged tag byte: every register empty");
        assertEquals(0x80, image[24] & 0xFF);
        assertEquals(0x1F, image[25] & 0xFF);
    }

    @Test
    void fxsaveImageRoundTripsStackOrderAndTags() {
        X86FpuState state = new X86FpuState();
        state.setTop(6);
        state.setRegister(6, 0x8000_0000_0000_0000L, 0x3FFF); // ST0 = 1.0
        state.setTag(6, X86FpuState.TAG_VALID);
        state.setRegister(7, 0, 0x8000); // ST1 = -0.0
        state.setTag(7, X86FpuState.TAG_ZERO);
        state.setXmm(15, 1, 0x1122_3344_5566_7788L);
        state.setMxcsr(0x7F80);
        byte[] image = new byte[X86FpuState.FXSAVE_SIZE];
        state.saveFxsave(image, 0);
        assertEquals((byte) 0xC0, image[4], "physical registers 6 and 7 in use");
        assertEquals(0x3F, image[40 + 1] & 0xFF, "ST0's exponent high byte at offset 41");
        assertEquals(0x80, image[56 + 1] & 0xFF, "ST1's sign at offset 57");

        X86FpuState loaded = new X86FpuState();
        loaded.loadFxsave(image, 0);
        assertEquals(6, loaded.top());
        assertEquals(X86FpuState.TAG_VALID, loaded.tag(6));
        assertEquals(X86FpuState.TAG_ZERO, loaded.tag(7));
        assertEquals(X86FpuState.TAG_EMPTY, loaded.tag(0));
        assertEquals(0x1122_3344_5566_7788L, loaded.xmm(15, 1));
        assertEquals(0x7F80, loaded.mxcsr());
        byte[] again = new byte[X86FpuState.FXSAVE_SIZE];
        loaded.saveFxsave(again, 0);
        assertArrayEquals(image, again);
    }
}
