package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * The MMX forms {@code mm = op(mm, mm/m64)}: element-wise integer operations
 * ({@link X86PackedIntegerOps}), shifts (by mm/m64 or an immediate), unpacks, packs, PSHUFW and
 * MOVQ, and the MMX forms of SSSE3 (0F 38 00-0B, 1C-1E and PALIGNR). The same element
 * operations as the 128-bit forms, on one quadword.
 */
public final class X86MmxNode extends X86InstructionNode {
    public static final int ELEMENTWISE = 0;
    public static final int SHIFT = 1;
    public static final int SHIFT_IMMEDIATE = 2;
    public static final int UNPACK_LOW = 3;
    public static final int UNPACK_HIGH = 4;
    public static final int PACK_SIGNED_WB = 5;
    public static final int PACK_UNSIGNED_WB = 6;
    public static final int PACK_SIGNED_DW = 7;
    public static final int SHUFFLE_W = 8;
    public static final int MOVE = 9;
    /** An SSSE3 operation of {@link dev.trufflexen.x86.nodes.sse4.X86PackedIntegerOps}. */
    public static final int SSSE3 = 10;

    private final int kind;
    /** The element operation, or the shift direction. */
    private final int operation;
    private final int bits;
    private final int destination;
    private final int source;
    private final int immediate;
    @Child private X86AddressNode address;

    public X86MmxNode(long rip, int length, int kind, int operation, int bits, int destination, int source, X86AddressNode address,
            int immediate) {
        super(rip, length);
        this.kind = kind;
        this.operation = operation;
        this.bits = bits;
        this.destination = destination & 7;
        this.source = source & 7;
        this.address = address;
        this.immediate = immediate & 0xFF;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        X86MmxRegisters.checkPending(fpu);
        long s;
        if (kind == SHIFT_IMMEDIATE) {
            s = immediate;
        } else if (address != null) {
            // PUNPCKLBW/WD/DQ read only the low doubleword of an m64 (m32), as the host does.
            s = X86GuestMemory.read(cpu, address.execute(frame, cpu), kind == UNPACK_LOW ? 4 : 8);
        } else {
            s = X86MmxRegisters.read(fpu, source);
        }
        X86MmxRegisters.enter(fpu);
        long d = X86MmxRegisters.read(fpu, destination);
        long r = switch (kind) {
            case ELEMENTWISE -> X86PackedIntegerOps.apply(operation, d, s);
            case SHIFT, SHIFT_IMMEDIATE -> bits == 64 && operation != X86PackedShiftNode.RIGHT_ARITHMETIC
                    ? (Long.compareUnsigned(s, 63) > 0 ? 0 : operation == X86PackedShiftNode.LEFT ? d << s : d >>> s)
                    : X86PackedShiftNode.shift(operation, bits, d, s);
            case UNPACK_LOW -> X86SseShuffleNode.interleave(d, s, bits);
            case UNPACK_HIGH -> X86SseShuffleNode.interleave(d >>> 32, s >>> 32, bits);
            case PACK_SIGNED_WB -> X86SseShuffleNode.packWords(d, s, false);
            case PACK_UNSIGNED_WB -> X86SseShuffleNode.packWords(d, s, true);
            case PACK_SIGNED_DW -> X86SseShuffleNode.packDoublewords(d, s);
            case SHUFFLE_W -> X86SseShuffleNode.shuffleWords(s, immediate);
            case SSSE3 -> dev.trufflexen.x86.nodes.sse4.X86PackedIntegerOps.quadword(operation, d, s, immediate);
            default -> s;
        };
        X86MmxRegisters.write(fpu, destination, r);
    }
}
