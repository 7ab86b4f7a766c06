package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86FlagState;

/**
 * PCMPESTRI, PCMPESTRM, PCMPISTRI and PCMPISTRM (SSE4.2 66 0F 3A 60-63).
 *
 * <p>The first operand (an XMM register) and the second (XMM or m128) are vectors of 16 bytes or
 * 8 words (imm8 bits 0-1: unsigned/signed, byte/word). Their lengths are explicit (|EAX| and
 * |EDX|, |RAX| and |RDX| with REX.W, saturated to the element count) or implicit (up to the
 * first zero element). Imm8 bits 2-3 choose the aggregation, giving one bit per element of the
 * second operand (IntRes1): equal any (is it in the set of the first operand), ranges (is it in
 * any of the first operand's [low, high] pairs), equal each (equal to the element at the same
 * position) or equal ordered (does the first operand occur as a substring starting here).
 * Elements beyond a length take fixed values in each aggregation. Bits 4-5 negate IntRes1
 * (all of it, or only the second operand's valid elements), giving IntRes2. The I forms write
 * to ECX the least (bit 6 clear) or most significant set bit's index (the element count when
 * none); the M forms write XMM0 with IntRes2 as a bit mask or (bit 6 set) expanded to elements.
 * CF = IntRes2 != 0, ZF = second length short, SF = first length short, OF = IntRes2 bit 0;
 * AF and PF are cleared.
 */
public final class X86StringCompareNode extends X86XmmSourceNode {
    private final int first;
    private final int control;
    private final boolean explicitLengths;
    private final boolean index;
    private final boolean wideLengths;

    public X86StringCompareNode(long rip, int length, int first, int sourceKind, int sourceRegister, X86AddressNode address,
            int control, boolean explicitLengths, boolean index, boolean wideLengths) {
        super(rip, length, sourceKind, sourceRegister, address, 16, false);
        this.first = first;
        this.control = control;
        this.explicitLengths = explicitLengths;
        this.index = index;
        this.wideLengths = wideLengths;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long b0 = sourceQword(frame, cpu, linear, 0);
        long b1 = sourceQword(frame, cpu, linear, 1);
        long[] xmm = cpu.fpu().xmmArray();
        long a0 = xmm[first * 2];
        long a1 = xmm[first * 2 + 1];
        boolean words = (control & 1) != 0;
        int count = words ? 8 : 16;
        int lengthA;
        int lengthB;
        if (explicitLengths) {
            lengthA = explicitLength(getRegister(frame, X86Reg.RAX), count);
            lengthB = explicitLength(getRegister(frame, X86Reg.RDX), count);
        } else {
            lengthA = implicitLength(a0, a1, words, count);
            lengthB = implicitLength(b0, b1, words, count);
        }
        int result1 = aggregate(a0, a1, b0, b1, lengthA, lengthB, count);
        int all = (1 << count) - 1;
        int result2 = switch ((control >> 4) & 3) {
            case 1 -> ~result1 & all;
            case 3 -> result1 ^ ((1 << lengthB) - 1);
            default -> result1;
        };
        if (index) {
            int position;
            if (result2 == 0) {
                position = count;
            } else if ((control & 0x40) == 0) {
                position = Integer.numberOfTrailingZeros(result2);
            } else {
                position = 31 - Integer.numberOfLeadingZeros(result2);
            }
            setRegister(frame, X86Reg.RCX, position);
        } else if ((control & 0x40) == 0) {
            xmm[0] = result2 & 0xFFFFL;
            xmm[1] = 0;
        } else {
            xmm[0] = expand(result2, words, 0);
            xmm[1] = expand(result2, words, 1);
        }
        long flags = X86FlagState.materialize(frame);
        flags &= ~(X86Rflags.CF | X86Rflags.PF | X86Rflags.AF | X86Rflags.ZF | X86Rflags.SF | X86Rflags.OF);
        flags = X86FlagState.withFlag(flags, X86Rflags.CF, result2 != 0);
        flags = X86FlagState.withFlag(flags, X86Rflags.ZF, lengthB < count);
        flags = X86FlagState.withFlag(flags, X86Rflags.SF, lengthA < count);
        flags = X86FlagState.withFlag(flags, X86Rflags.OF, (result2 & 1) != 0);
        X86FlagState.setMaterialized(frame, flags);
    }

    private int explicitLength(long register, int count) {
        long value = wideLengths ? register : (long) (int) register;
        if (value < 0) {
            value = -value; // the most negative value stays negative and saturates below
        }
        return value < 0 || value > count ? count : (int) value;
    }

    private static int implicitLength(long lo, long hi, boolean words, int count) {
        for (int i = 0; i < count; i++) {
            if (element(lo, hi, i, words, false) == 0) {
                return i;
            }
        }
        return count;
    }

    private int element(long lo, long hi, int i, boolean words) {
        return element(lo, hi, i, words, (control & 2) != 0);
    }

    private static int element(long lo, long hi, int i, boolean words, boolean signed) {
        int perHalf = words ? 4 : 8;
        int bits = words ? 16 : 8;
        long half = i < perHalf ? lo : hi;
        long raw = half >>> ((i % perHalf) * bits);
        if (signed) {
            return words ? (short) raw : (byte) raw;
        }
        return (int) (raw & (words ? 0xFFFF : 0xFF));
    }

    private int aggregate(long a0, long a1, long b0, long b1, int lengthA, int lengthB, int count) {
        boolean words = (control & 1) != 0;
        int result = 0;
        switch ((control >> 2) & 3) {
            case 0: // equal any
                for (int j = 0; j < lengthB; j++) {
                    int b = element(b0, b1, j, words);
                    for (int i = 0; i < lengthA; i++) {
                        if (element(a0, a1, i, words) == b) {
                            result |= 1 << j;
                            break;
                        }
                    }
                }
                break;
            case 1: // ranges
                for (int j = 0; j < lengthB; j++) {
                    int b = element(b0, b1, j, words);
                    for (int i = 0; i + 1 < lengthA; i += 2) {
                        if (element(a0, a1, i, words) <= b && b <= element(a0, a1, i + 1, words)) {
                            result |= 1 << j;
                            break;
                        }
                    }
                }
                break;
            case 2: // equal each
                for (int i = 0; i < count; i++) {
                    boolean validA = i < lengthA;
                    boolean validB = i < lengthB;
                    boolean match = validA && validB ? element(a0, a1, i, words) == element(b0, b1, i, words) : validA == validB;
                    if (match) {
                        result |= 1 << i;
                    }
                }
                break;
            default: // equal ordered
                for (int j = 0; j < count; j++) {
                    boolean match = true;
                    for (int k = 0; k + j < count && match; k++) {
                        if (k >= lengthA) {
                            break; // the rest of the first operand is invalid: matches anything
                        }
                        match = j + k < lengthB && element(a0, a1, k, words) == element(b0, b1, j + k, words);
                    }
                    if (match) {
                        result |= 1 << j;
                    }
                }
                break;
        }
        return result;
    }

    private static long expand(int mask, boolean words, int half) {
        long result = 0;
        int perHalf = words ? 4 : 8;
        int bits = words ? 16 : 8;
        long lane = words ? 0xFFFFL : 0xFFL;
        for (int i = 0; i < perHalf; i++) {
            if (((mask >> (half * perHalf + i)) & 1) != 0) {
                result |= lane << (i * bits);
            }
        }
        return result;
    }
}
