package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.control.X86DeviceAvailableNode;
import dev.trufflexen.x86.nodes.control.X86SyscallNode;

/**
 * XMM registers and MXCSR in frame slots. A region whose every XMM-touching instruction can
 * address the registers either way ({@link User}) keeps the XMM registers it touches in 32 static
 * frame slots after its memory-site caches (register r's low quadword at {@code first + 2r}, its
 * high one at {@code first + 2r + 1}), copied in from {@link X86FpuState}
 * at entry and out at every exit, exactly as general registers are. In compiled code they are
 * then SSA values that live in host registers: no heap load or store per SSE operation, and no
 * reload after each slow-path call (which Graal must assume changed the heap).
 *
 * <p>MXCSR stays authoritative on the heap, with a copy in one more slot ({@code first + }{@link
 * #MXCSR}) read at entry: every instruction that changes it (LDMXCSR, and the slow paths that
 * commit flags) writes the heap and refreshes the copy ({@link #reloadMxcsr}), so an exit, even
 * one a slow path throws (#XM), has nothing to write back. The hardfloat test of each operation
 * reads the copy, an SSA value, so in a loop that does not write MXCSR it is one test per region
 * entry rather than one heap load per operation.
 *
 * <p>A region holding any other XMM or FPU instruction, a SYSCALL (the platform may read or
 * change XMM state) or traced instructions keeps them on the heap, where each access goes to the
 * array.
 */
public final class X86XmmFrame {
    private X86XmmFrame() {
    }

    /** An instruction that can use either place. */
    public interface User {
        /** The XMM registers it reads or writes, one bit per register. */
        int xmmRegisterMask();

        /** From now on, reads and writes its XMM registers in the frame, XMM0's low quadword at {@code firstSlot}. */
        void keepXmmInFrame(int firstSlot);
    }

    /**
     * Frame slots the XMM registers and MXCSR take: 33, rounded up to whole memory sites, since
     * {@link dev.trufflexen.x86.nodes.X86MemorySite#clearAll} steps through the frame's end by sites.
     */
    public static final int SLOTS = 36;
    /** MXCSR's slot, from the first. */
    public static final int MXCSR = 32;
    /** The first slot of a region that keeps them on the heap. */
    public static final int ON_HEAP = -1;

    /** Quadword {@code index} (register * 2 + half), in the frame from {@code firstSlot} or on the heap. */
    public static long get(VirtualFrame frame, X86Cpu cpu, int firstSlot, int index) {
        if (firstSlot != ON_HEAP) {
            return frame.getLongStatic(firstSlot + index);
        }
        return cpu.fpu().xmmArray()[index];
    }

    public static void set(VirtualFrame frame, X86Cpu cpu, int firstSlot, int index, long value) {
        if (firstSlot != ON_HEAP) {
            frame.setLongStatic(firstSlot + index, value);
        } else {
            cpu.fpu().xmmArray()[index] = value;
        }
    }

    /** MXCSR, in the frame from {@code firstSlot} or on the heap. */
    public static int mxcsr(VirtualFrame frame, X86Cpu cpu, int firstSlot) {
        if (firstSlot != ON_HEAP) {
            return (int) frame.getLongStatic(firstSlot + MXCSR);
        }
        return cpu.fpu().mxcsr();
    }

    /** Sets MXCSR (the caller has checked its reserved bits): on the heap, and its copy in the frame. */
    public static void setMxcsr(VirtualFrame frame, X86Cpu cpu, int firstSlot, int value) {
        cpu.fpu().setMxcsr(value);
        reloadMxcsr(frame, cpu, firstSlot);
    }

    /** After a slow path that committed flags to MXCSR on the heap: the frame's copy again. */
    public static void reloadMxcsr(VirtualFrame frame, X86Cpu cpu, int firstSlot) {
        if (firstSlot != ON_HEAP) {
            frame.setLongStatic(firstSlot + MXCSR, cpu.fpu().mxcsr());
        }
    }

    /**
     * The XMM registers the region touches when all of its instructions are {@link User}s
     * (switching them to the frame from {@code firstSlot}), else null: then everything stays on
     * the heap.
     */
    public static int[] placeInFrame(Iterable<X86InstructionNode> instructions, boolean tracing, int firstSlot) {
        if (tracing) {
            return null;
        }
        int mask = 0;
        for (X86InstructionNode wrapped : instructions) {
            X86InstructionNode instruction = unwrap(wrapped);
            if (instruction instanceof User user) {
                mask |= user.xmmRegisterMask();
            } else if (touchesFpuState(instruction)) {
                return null;
            }
        }
        if (mask == 0) {
            return null;
        }
        for (X86InstructionNode instruction : instructions) {
            if (unwrap(instruction) instanceof User user) {
                user.keepXmmInFrame(firstSlot);
            }
        }
        int[] registers = new int[Integer.bitCount(mask)];
        for (int reg = 0, n = 0; reg < 16; reg++) {
            if ((mask & (1 << reg)) != 0) {
                registers[n++] = reg;
            }
        }
        return registers;
    }

    private static X86InstructionNode unwrap(X86InstructionNode instruction) {
        return instruction instanceof X86DeviceAvailableNode check ? check.instruction() : instruction;
    }

    /** SSE, SSE4, MMX and x87 instructions other than {@link User}s, and the platform's SYSCALL. */
    private static boolean touchesFpuState(X86InstructionNode instruction) {
        String name = instruction.getClass().getName();
        return name.startsWith("dev.trufflexen.x86.nodes.sse") || name.startsWith("dev.trufflexen.x86.nodes.x87")
                || instruction instanceof X86SyscallNode;
    }

    @ExplodeLoop
    public static void copyIn(VirtualFrame frame, X86Cpu cpu, int[] registers, int firstSlot) {
        frame.setLongStatic(firstSlot + MXCSR, cpu.fpu().mxcsr());
        long[] xmm = cpu.fpu().xmmArray();
        for (int reg : registers) {
            frame.setLongStatic(firstSlot + 2 * reg, xmm[2 * reg]);
            frame.setLongStatic(firstSlot + 2 * reg + 1, xmm[2 * reg + 1]);
        }
    }

    /** Copies MXCSR and {@code registers} from one region frame to another (an OSR run's state back to the interpreter's). */
    @ExplodeLoop
    public static void copyFrame(VirtualFrame from, VirtualFrame to, int[] registers, int firstSlot) {
        to.setLongStatic(firstSlot + MXCSR, from.getLongStatic(firstSlot + MXCSR));
        for (int reg : registers) {
            to.setLongStatic(firstSlot + 2 * reg, from.getLongStatic(firstSlot + 2 * reg));
            to.setLongStatic(firstSlot + 2 * reg + 1, from.getLongStatic(firstSlot + 2 * reg + 1));
        }
    }

    @ExplodeLoop
    public static void copyOut(VirtualFrame frame, X86Cpu cpu, int[] registers, int firstSlot) {
        long[] xmm = cpu.fpu().xmmArray();
        for (int reg : registers) {
            xmm[2 * reg] = frame.getLongStatic(firstSlot + 2 * reg);
            xmm[2 * reg + 1] = frame.getLongStatic(firstSlot + 2 * reg + 1);
        }
    }
}
