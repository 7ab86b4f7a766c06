package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * CRC32 (F2 0F 38 F0/F1): accumulates the CRC-32C (Castagnoli, reflected polynomial 0x82F63B78)
 * of a 1-, 2-, 4- or 8-byte source into the low 32 bits of the destination, without the
 * initial and final inversions; the 32-bit result is zero-extended. Flags are unchanged.
 */
public final class X86Crc32Node extends X86InstructionNode {
    @CompilationFinal(dimensions = 1) private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;

    public X86Crc32Node(long rip, int length, X86OperandNode destination, X86OperandNode source) {
        super(rip, length);
        this.destination = destination;
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long data = source.read(frame, cpu);
        int crc = (int) destination.read(frame, cpu);
        for (int i = 0; i < source.size(); i++) {
            crc = TABLE[(crc ^ (int) (data >>> (8 * i))) & 0xFF] ^ (crc >>> 8);
        }
        destination.write(frame, cpu, X86Sizes.truncate(crc, 4));
    }
}
