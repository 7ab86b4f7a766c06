package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * Operations that move elements across the two halves of a register: unpacks (PUNPCKL/H*,
 * UNPCKL/HPS/PD), packs with saturation (PACKSSWB, PACKSSDW, PACKUSWB) and shuffles (PSHUFD,
 * PSHUFHW, PSHUFLW, SHUFPS, SHUFPD).
 */
public final class X86SseShuffleNode extends X86SseNode implements X86XmmFrame.User {
    public static final int UNPACK_LOW = 0;
    public static final int UNPACK_HIGH = 1;
    public static final int PACK_SIGNED_WB = 2;
    public static final int PACK_SIGNED_DW = 3;
    public static final int PACK_UNSIGNED_WB = 4;
    public static final int SHUFFLE_D = 5;
    public static final int SHUFFLE_HIGH_W = 6;
    public static final int SHUFFLE_LOW_W = 7;
    public static final int SHUFFLE_PS = 8;
    public static final int SHUFFLE_PD = 9;

    private final int operation;
    /** Element size in bits of the unpacks. */
    private final int bits;
    private final int destination;
    private final int immediate;

    public X86SseShuffleNode(long rip, int length, int operation, int bits, int destination, int source, X86AddressNode address,
            int immediate) {
        super(rip, length, source, address, 16, true);
        this.operation = operation;
        this.bits = bits;
        this.destination = destination;
        this.immediate = immediate & 0xFF;
    }

    @Override
    public int xmmRegisterMask() {
        return xmmRegisterMask(destination);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(frame, cpu, linear);
        long s1 = sourceHigh(frame, cpu, linear);
        int d = destination * 2;
        long d0 = xmm(frame, cpu, d);
        long d1 = xmm(frame, cpu, d + 1);
        long r0;
        long r1;
        switch (operation) {
            case UNPACK_LOW -> {
                r0 = bits == 64 ? d0 : interleave(d0, s0, bits);
                r1 = bits == 64 ? s0 : interleave(d0 >>> 32, s0 >>> 32, bits);
            }
            case UNPACK_HIGH -> {
                r0 = bits == 64 ? d1 : interleave(d1, s1, bits);
                r1 = bits == 64 ? s1 : interleave(d1 >>> 32, s1 >>> 32, bits);
            }
            case PACK_SIGNED_WB, PACK_UNSIGNED_WB -> {
                r0 = packWords(d0, d1);
                r1 = packWords(s0, s1);
            }
            case PACK_SIGNED_DW -> {
                r0 = packDoublewords(d0, d1);
                r1 = packDoublewords(s0, s1);
            }
            case SHUFFLE_D -> {
                r0 = dword(s0, s1, immediate) | dword(s0, s1, immediate >> 2) << 32;
                r1 = dword(s0, s1, immediate >> 4) | dword(s0, s1, immediate >> 6) << 32;
            }
            case SHUFFLE_HIGH_W -> {
                r0 = s0;
                r1 = shuffleWords(s1);
            }
            case SHUFFLE_LOW_W -> {
                r0 = shuffleWords(s0);
                r1 = s1;
            }
            case SHUFFLE_PS -> {
                r0 = dword(d0, d1, immediate) | dword(d0, d1, immediate >> 2) << 32;
                r1 = dword(s0, s1, immediate >> 4) | dword(s0, s1, immediate >> 6) << 32;
            }
            default -> {
                r0 = (immediate & 1) == 0 ? d0 : d1;
                r1 = (immediate & 2) == 0 ? s0 : s1;
            }
        }
        setXmm(frame, cpu, d, r0);
        setXmm(frame, cpu, d + 1, r1);
    }

    /** Interleaves the low 32 bits of {@code a} and {@code b} by elements of {@code bits}, a's first. */
    static long interleave(long a, long b, int bits) {
        long mask = (1L << bits) - 1;
        long result = 0;
        int out = 0;
        for (int shift = 0; shift < 32; shift += bits) {
            result |= ((a >>> shift) & mask) << out;
            out += bits;
            result |= ((b >>> shift) & mask) << out;
            out += bits;
        }
        return result;
    }

    private long packWords(long lo, long hi) {
        return packWords(lo, hi, operation == PACK_UNSIGNED_WB);
    }

    /** Eight words (four of {@code lo}, four of {@code hi}) to bytes with signed or unsigned saturation. */
    static long packWords(long lo, long hi, boolean unsigned) {
        long result = 0;
        for (int i = 0; i < 8; i++) {
            long word = (short) ((i < 4 ? lo : hi) >>> (16 * (i & 3)));
            long saturated = unsigned ? Math.max(0, Math.min(255, word)) : Math.max(-128, Math.min(127, word));
            result |= (saturated & 0xFF) << (8 * i);
        }
        return result;
    }

    static long packDoublewords(long lo, long hi) {
        long result = 0;
        for (int i = 0; i < 4; i++) {
            long dword = (int) ((i < 2 ? lo : hi) >>> (32 * (i & 1)));
            result |= (Math.max(-32768, Math.min(32767, dword)) & 0xFFFF) << (16 * i);
        }
        return result;
    }

    /** Doubleword {@code selector & 3} of the 128-bit value lo:hi, zero-extended. */
    private static long dword(long lo, long hi, int selector) {
        int n = selector & 3;
        long half = n < 2 ? lo : hi;
        return (half >>> (32 * (n & 1))) & 0xFFFF_FFFFL;
    }

    private long shuffleWords(long value) {
        return shuffleWords(value, immediate);
    }

    static long shuffleWords(long value, int immediate) {
        long result = 0;
        for (int i = 0; i < 4; i++) {
            int n = (immediate >> (2 * i)) & 3;
            result |= ((value >>> (16 * n)) & 0xFFFF) << (16 * i);
        }
        return result;
    }
}
