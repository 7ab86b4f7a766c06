package dev.trufflexen.x86.nodes.sse;

import static dev.trufflexen.x86.cpu.X86Reg.RDI;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/**
 * MMX transfers: MOVD/MOVQ between an MMX register and a general register or memory, MOVQ and
 * MOVNTQ stores, PMOVMSKB, PEXTRW, PINSRW, MOVQ2DQ, MOVDQ2Q and MASKMOVQ. {@code operand} is the
 * general-register or memory side where there is one.
 */
public final class X86MmxTransferNode extends X86InstructionNode {
    public static final int MOVE_TO_MMX = 0;
    public static final int MOVE_FROM_MMX = 1;
    public static final int MASK_BYTES = 2;
    public static final int EXTRACT_WORD = 3;
    public static final int INSERT_WORD = 4;
    public static final int MMX_TO_XMM = 5;
    public static final int XMM_TO_MMX = 6;
    public static final int MASK_MOVE = 7;

    private final int kind;
    private final int mm;
    private final int other;
    private final int immediate;
    private final int segment;
    private final boolean address32;
    @Child private X86OperandNode operand;

    /** {@code other}: the XMM register (MOVQ2DQ, MOVDQ2Q) or the mask MMX register (MASKMOVQ). */
    public X86MmxTransferNode(long rip, int length, int kind, int mm, int other, X86OperandNode operand, int immediate, int segment,
            boolean address32) {
        super(rip, length);
        this.kind = kind;
        this.mm = mm & 7;
        this.other = other;
        this.operand = operand;
        this.immediate = immediate & 0xFF;
        this.segment = segment;
        this.address32 = address32;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        X86MmxRegisters.checkPending(fpu);
        switch (kind) {
            case MOVE_TO_MMX -> {
                long value = operand.read(frame, cpu);
                X86MmxRegisters.enter(fpu);
                X86MmxRegisters.write(fpu, mm, value);
            }
            case MOVE_FROM_MMX -> {
                operand.write(frame, cpu, X86MmxRegisters.read(fpu, mm)); // a faulting store leaves x87 mode as it was
                X86MmxRegisters.enter(fpu);
            }
            case MASK_BYTES -> {
                long v = X86MmxRegisters.read(fpu, mm);
                long mask = 0;
                for (int i = 0; i < 8; i++) {
                    mask |= ((v >>> (8 * i + 7)) & 1) << i;
                }
                operand.write(frame, cpu, mask);
                X86MmxRegisters.enter(fpu);
            }
            case EXTRACT_WORD -> {
                operand.write(frame, cpu, (X86MmxRegisters.read(fpu, mm) >>> (16 * (immediate & 3))) & 0xFFFF);
                X86MmxRegisters.enter(fpu);
            }
            case INSERT_WORD -> {
                long value = operand.read(frame, cpu) & 0xFFFF;
                X86MmxRegisters.enter(fpu);
                int shift = 16 * (immediate & 3);
                X86MmxRegisters.write(fpu, mm, (X86MmxRegisters.read(fpu, mm) & ~(0xFFFFL << shift)) | (value << shift));
            }
            case MMX_TO_XMM -> {
                long[] x = fpu.xmmArray();
                x[other * 2] = X86MmxRegisters.read(fpu, mm);
                x[other * 2 + 1] = 0;
                X86MmxRegisters.enter(fpu);
            }
            case XMM_TO_MMX -> {
                X86MmxRegisters.enter(fpu);
                X86MmxRegisters.write(fpu, mm, fpu.xmmArray()[other * 2]);
            }
            default -> maskMove(frame, cpu, fpu);
        }
    }

    private void maskMove(VirtualFrame frame, X86Cpu cpu, X86FpuState fpu) {
        long offset = getRegister(frame, RDI);
        if (address32) {
            offset &= 0xFFFF_FFFFL;
        }
        long linear = offset + (segment == X86Segment.FS ? cpu.fsBase() : segment == X86Segment.GS ? cpu.gsBase() : 0);
        long data = X86MmxRegisters.read(fpu, mm);
        long mask = X86MmxRegisters.read(fpu, other);
        X86MmxRegisters.enter(fpu); // unlike MOVQ, before the store faults, as on the host
        X86SseMemory.probeWrite(cpu, linear, 8);
        for (int i = 0; i < 8; i++) {
            if (((mask >>> (8 * i + 7)) & 1) != 0) {
                X86GuestMemory.write(cpu, linear + i, 1, data >>> (8 * i));
            }
        }
    }
}
