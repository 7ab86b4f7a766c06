package dev.trufflexen.x86.nodes.sse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.oracle.truffle.api.Truffle;

import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.control.X86DeviceAvailableNode;
import dev.trufflexen.x86.nodes.control.X86NopNode;
import dev.trufflexen.x86.nodes.control.X86SyscallNode;

/** Which regions keep their XMM registers in the frame, and which registers they copy. */
class X86XmmFrameTest {
    private static final int FIRST_SLOT = 40;

    private static X86InstructionNode checked(X86InstructionNode instruction) {
        return new X86DeviceAvailableNode(instruction, Truffle.getRuntime().createAssumption());
    }

    private static X86SseArithmeticNode addsd(int destination, int source) {
        return new X86SseArithmeticNode(0x1000, 4, X86SseArithmeticNode.ELEMENTWISE, X86SseFloat.ADD, false, true, destination, source,
                null, 0);
    }

    private static X86SseMoveNode movapd(int destination, int source) {
        return new X86SseMoveNode(0x1004, 4, X86SseMoveNode.FULL, destination, source, null, 16, true);
    }

    @Test
    void aRegionOfSupportedInstructionsKeepsTheRegistersItTouchesInTheFrame() {
        X86SseArithmeticNode add = addsd(3, 9);
        X86SseMoveNode move = movapd(1, 3);
        X86SseGeneralRegisterNode toGpr = new X86SseGeneralRegisterNode(0x100c, 5, X86SseGeneralRegisterNode.MOVE_FROM_XMM, 12, null, 0);
        int[] registers = X86XmmFrame.placeInFrame(List.of(checked(add), new X86NopNode(0x1008, 1), checked(move), checked(toGpr)), false,
                FIRST_SLOT);
        assertArrayEquals(new int[] {1, 3, 9, 12}, registers);
        assertEquals(FIRST_SLOT, add.xmmSlot);
        assertEquals(FIRST_SLOT, move.xmmSlot);
    }

    @Test
    void anyOtherFpuInstructionOrASyscallKeepsThemOnTheHeap() {
        X86SseArithmeticNode add = addsd(0, 1);
        X86InstructionNode emms = new X86EmmsNode(0x1004, 2);
        assertNull(X86XmmFrame.placeInFrame(List.of(checked(add), checked(emms)), false, FIRST_SLOT));
        assertEquals(X86XmmFrame.ON_HEAP, add.xmmSlot);
        assertNull(X86XmmFrame.placeInFrame(List.of(checked(add), new X86SyscallNode(0x1004, 2)), false, FIRST_SLOT));
        assertNull(X86XmmFrame.placeInFrame(List.of(checked(add)), true, FIRST_SLOT), "traced regions");
        assertNull(X86XmmFrame.placeInFrame(List.of(new X86NopNode(0x1000, 1)), false, FIRST_SLOT), "no XMM register");
        assertEquals(X86XmmFrame.ON_HEAP, add.xmmSlot);
    }
}
