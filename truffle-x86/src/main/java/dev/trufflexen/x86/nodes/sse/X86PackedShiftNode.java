package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * PSRLW/D/Q, PSRAW/D, PSLLW/D/Q by an immediate or by the low quadword of an XMM register or
 * memory operand, and PSRLDQ/PSLLDQ (whole register, in bytes, immediate only). A count of at
 * least the element width clears the elements (arithmetic shifts fill them with the sign).
 */
public final class X86PackedShiftNode extends X86SseNode {
    public static final int RIGHT_LOGICAL = 0;
    public static final int RIGHT_ARITHMETIC = 1;
    public static final int LEFT = 2;
    public static final int RIGHT_BYTES = 3;
    public static final int LEFT_BYTES = 4;

    private final int direction;
    private final int bits;
    private final int destination;
    private final boolean immediateCount;
    private final long immediate;

    /** By immediate when {@code immediateCount}, else by XMM register {@code source} or memory at {@code address}. */
    public X86PackedShiftNode(long rip, int length, int direction, int bits, int destination, boolean immediateCount,
            long immediate, int source, X86AddressNode address) {
        super(rip, length, source, address, 16, true);
        this.direction = direction;
        this.bits = bits;
        this.destination = destination;
        this.immediateCount = immediateCount;
        this.immediate = immediate & 0xFF;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long[] x = cpu.fpu().xmmArray();
        long count;
        if (immediateCount) {
            count = immediate;
        } else {
            long linear = sourceAddress(frame, cpu);
            count = sourceLow(cpu, x, linear);
            sourceHigh(cpu, x, linear); // memory forms read (and fault on) all 16 bytes
        }
        int d = destination * 2;
        long lo = x[d];
        long hi = x[d + 1];
        if (direction == RIGHT_BYTES || direction == LEFT_BYTES) {
            shiftBytes(x, d, lo, hi, (int) Math.min(count, 16));
            return;
        }
        x[d] = shift(lo, count);
        x[d + 1] = shift(hi, count);
    }

    private void shiftBytes(long[] x, int d, long lo, long hi, int bytes) {
        int n = bytes * 8;
        long rlo;
        long rhi;
        if (n == 0) {
            rlo = lo;
            rhi = hi;
        } else if (direction == RIGHT_BYTES) {
            if (n >= 128) {
                rlo = 0;
                rhi = 0;
            } else if (n >= 64) {
                rlo = n == 64 ? hi : hi >>> (n - 64);
                rhi = 0;
            } else {
                rlo = (lo >>> n) | (hi << (64 - n));
                rhi = hi >>> n;
            }
        } else {
            if (n >= 128) {
                rlo = 0;
                rhi = 0;
            } else if (n >= 64) {
                rhi = n == 64 ? lo : lo << (n - 64);
                rlo = 0;
            } else {
                rhi = (hi << n) | (lo >>> (64 - n));
                rlo = lo << n;
            }
        }
        x[d] = rlo;
        x[d + 1] = rhi;
    }

    private long shift(long value, long count) {
        return shift(direction, bits, value, count);
    }

    /** Shifts each element of {@code bits} in {@code value} (RIGHT_LOGICAL, RIGHT_ARITHMETIC or LEFT). */
    static long shift(int direction, int bits, long value, long count) {
        if (bits == 64) {
            if (Long.compareUnsigned(count, 63) > 0) {
                return 0;
            }
            return direction == LEFT ? value << count : value >>> count;
        }
        long mask = (1L << bits) - 1;
        int unused = 64 - bits;
        boolean tooFar = Long.compareUnsigned(count, bits - 1) > 0;
        int c = (int) count;
        long result = 0;
        for (int shift = 0; shift < 64; shift += bits) {
            long element;
            if (direction == RIGHT_ARITHMETIC) {
                long signed = (value << (unused - shift)) >> unused;
                element = signed >> (tooFar ? bits - 1 : c);
            } else if (tooFar) {
                element = 0;
            } else if (direction == LEFT) {
                element = ((value >>> shift) & mask) << c;
            } else {
                element = ((value >>> shift) & mask) >>> c;
            }
            result |= (element & mask) << shift;
        }
        return result;
    }
}
