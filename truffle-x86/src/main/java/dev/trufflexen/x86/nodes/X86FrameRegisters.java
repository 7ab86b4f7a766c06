package dev.trufflexen.x86.nodes;

import java.util.stream.IntStream;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;

/**
 * The general registers of a running region: each one either still in the {@link X86Cpu}, or in
 * its frame slot. The slot's tag says which: a register slot is an ordinary (not static) slot,
 * {@code Long} while it holds the register, cleared while the CPU does. No slot is added for
 * this: compiled code grows with every slot a frame has (each is live at the code's deoptimization
 * points), about 90 bytes a slot in {@code X86CodeSizeTest}'s loop.
 *
 * <p><b>Why on demand.</b> A region used to copy every register it touches into the frame at
 * entry and back at every exit. Each one was then live from entry to every exit, so across every
 * call the compiled code makes (MMU slow paths, in-region hypercalls, chained calls) all of them
 * were spilled, and every merge of the block dispatch shuffled them between stack slots. Now, in
 * last-tier code (the interpreter and first-tier code still load every register at entry, which
 * keeps their compilations smaller and quicker: see {@link #fromCpu}):
 * <ul>
 * <li>entry copies nothing: every register starts in the CPU;
 * <li>a read of a register still in the CPU loads it from there, where compiled code reloads it
 * after a call as it would reload a spill, but without the store;
 * <li>a write puts the register in the frame, and only those are written back at exits;
 * <li>an in-region hypercall stores the frame's registers, and afterwards all of them are in the
 * CPU again.
 * </ul>
 * The tag is a constant of partial evaluation wherever every path agrees, so the choice compiles
 * to nothing. Where paths disagree (a register written on one side of a branch only), a read picks
 * at run time and an exit writes back only when the tag says so: correct, a little slower. Loops
 * must not pay that on every iteration, so every edge into a loop header puts the region's
 * registers in the frame first ({@link #materialize}); within loops, registers are loop-carried
 * values in the frame, as they always were.
 *
 * <p><b>Invariant.</b> {@code cpu.reg(r)} is the current value of a register whose slot is
 * cleared; the slot is the current value of one tagged {@code Long}. The CPU is written only at
 * exits and in-region hypercalls, which write the tagged ones back first.
 */
public final class X86FrameRegisters {
    private X86FrameRegisters() {
    }

    /** The current value of {@code reg}. */
    public static long read(VirtualFrame frame, int reg) {
        if (frame.isLong(reg)) {
            return frame.getLong(reg);
        }
        return cpu(frame).reg(reg);
    }

    /** Sets {@code reg}: from now on it lives in the frame and is written back at exits. */
    public static void write(VirtualFrame frame, int reg, long value) {
        frame.setLong(reg, value);
    }

    /**
     * At region entry and after the CPU's registers changed under the region: in the last tier,
     * every register is left in the CPU; the interpreter and first-tier code load them all into
     * the frame, as before registers came on demand (see the class comment: on demand, lz77's
     * compilations took longer and nbody's first-tier loop ran 40% slower).
     */
    @ExplodeLoop
    public static void fromCpu(VirtualFrame frame, X86Cpu cpu, int[] registers) {
        if (CompilerDirectives.hasNextTier()) {
            for (int reg : registers) {
                frame.setLong(reg, cpu.reg(reg));
            }
            return;
        }
        for (int reg : registers) {
            frame.clear(reg);
        }
    }

    /** Writes the registers the frame holds back to the CPU (an exit, a hypercall, a chained call). */
    @ExplodeLoop
    public static void writeBack(VirtualFrame frame, X86Cpu cpu, int[] registers) {
        for (int reg : registers) {
            if (frame.isLong(reg)) {
                cpu.setReg(reg, frame.getLong(reg));
            }
        }
    }

    /**
     * Puts every one of {@code registers} in the frame: on each edge into a loop header, so that
     * every edge reaches the header with the same constant tags and the loop's registers are
     * loop-carried values, never a choice made at run time. A load nothing reads compiles away.
     * The interpreter does it too before it enters a loop's OSR code ({@link #inFrame}).
     */
    @ExplodeLoop
    public static void materialize(VirtualFrame frame, X86Cpu cpu, int[] registers) {
        for (int reg : registers) {
            boolean held = frame.isLong(reg);
            if (!CompilerDirectives.isPartialEvaluationConstant(held) || !held) {
                frame.setLong(reg, held ? frame.getLong(reg) : cpu.reg(reg));
            }
        }
    }

    /**
     * At the start of OSR code, whose frame comes from an interpreter frame that {@link
     * #materialize} filled just before ({@code tryOSR} is only called from there): makes every
     * tag a constant, at the cost of one check each.
     */
    @ExplodeLoop
    public static void inFrame(VirtualFrame frame, int[] registers) {
        for (int reg : registers) {
            frame.setLong(reg, frame.getLong(reg));
        }
    }

    /**
     * Copies the current values of {@code registers} into {@code to}, whose registers are all in
     * the frame (an OSR run's final state to the interpreter's frame, materialized before the run).
     */
    @ExplodeLoop
    public static void copyInto(VirtualFrame from, VirtualFrame to, int[] registers) {
        for (int reg : registers) {
            to.setLong(reg, read(from, reg));
        }
    }

    private static X86Cpu cpu(VirtualFrame frame) {
        return CompilerDirectives.castExact(frame.getObjectStatic(X86FrameLayout.CPU), X86Cpu.class);
    }

    /** All sixteen, for code that hands every register to the platform. */
    @CompilationFinal(dimensions = 1) public static final int[] ALL = IntStream.range(0, X86Reg.COUNT).toArray();
}
