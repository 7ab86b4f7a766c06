package dev.trufflexen.x86.nodes.sse4;

/**
 * The arithmetic of the SSSE3/SSE4 integer (and bit-selecting) instructions on 128-bit values
 * held as two quadwords. Each operation computes one result quadword ({@code half} 0 or 1) from
 * the destination {@code d0:d1}, the source {@code s0:s1}, the immediate and XMM0 (for the
 * variable blends), so a node computes both halves before it writes either. The operation is a
 * constant of the node, so partial evaluation keeps one arm of {@link #half}.
 */
public final class X86PackedIntegerOps {
    public static final int PSHUFB = 0;
    public static final int PHADDW = 1;
    public static final int PHADDD = 2;
    public static final int PHADDSW = 3;
    public static final int PMADDUBSW = 4;
    public static final int PHSUBW = 5;
    public static final int PHSUBD = 6;
    public static final int PHSUBSW = 7;
    public static final int PSIGNB = 8;
    public static final int PSIGNW = 9;
    public static final int PSIGND = 10;
    public static final int PMULHRSW = 11;
    public static final int PABSB = 12;
    public static final int PABSW = 13;
    public static final int PABSD = 14;
    public static final int PALIGNR = 15;
    public static final int PBLENDVB = 16;
    public static final int BLENDVPS = 17;
    public static final int BLENDVPD = 18;
    public static final int PMOVSXBW = 19;
    public static final int PMOVSXBD = 20;
    public static final int PMOVSXBQ = 21;
    public static final int PMOVSXWD = 22;
    public static final int PMOVSXWQ = 23;
    public static final int PMOVSXDQ = 24;
    public static final int PMOVZXBW = 25;
    public static final int PMOVZXBD = 26;
    public static final int PMOVZXBQ = 27;
    public static final int PMOVZXWD = 28;
    public static final int PMOVZXWQ = 29;
    public static final int PMOVZXDQ = 30;
    public static final int PMULDQ = 31;
    public static final int PCMPEQQ = 32;
    public static final int LOAD = 33;
    public static final int PACKUSDW = 34;
    public static final int PMINSB = 35;
    public static final int PMINSD = 36;
    public static final int PMINUW = 37;
    public static final int PMINUD = 38;
    public static final int PMAXSB = 39;
    public static final int PMAXSD = 40;
    public static final int PMAXUW = 41;
    public static final int PMAXUD = 42;
    public static final int PMULLD = 43;
    public static final int PHMINPOSUW = 44;
    public static final int PCMPGTQ = 45;
    public static final int BLENDPS = 46;
    public static final int BLENDPD = 47;
    public static final int PBLENDW = 48;
    public static final int MPSADBW = 49;
    public static final int INSERTPS = 50;
    public static final int PINSRB = 51;
    public static final int PINSRD = 52;
    public static final int PINSRQ = 53;

    private X86PackedIntegerOps() {
    }

    /**
     * The MMX (64-bit) form of an SSSE3 operation: PSHUFB indexes the destination's eight bytes
     * (index bits 0-2, bit 7 zeroes), the horizontal operations take pairs from the destination
     * then the source, PALIGNR shifts the 16-byte destination:source right by {@code imm} bytes.
     */
    public static long quadword(int op, long d, long s, int imm) {
        return switch (op) {
            case PSHUFB -> shuffleBytes(d, d, s);
            case PALIGNR -> alignRight(0, 0, s, d, imm, 0);
            default -> half(op, 0, d, s, s, 0, imm, 0, 0);
        };
    }

    /** Quadword {@code half} of the result. */
    public static long half(int op, int half, long d0, long d1, long s0, long s1, int imm, long x0, long x1) {
        long d = half == 0 ? d0 : d1;
        long s = half == 0 ? s0 : s1;
        switch (op) {
            case PSHUFB:
                return shuffleBytes(d0, d1, s);
            case PHADDW, PHADDSW, PHSUBW, PHSUBSW:
                return horizontalWords(op, half == 0 ? d0 : s0, half == 0 ? d1 : s1);
            case PHADDD, PHSUBD:
                return horizontalDwords(op == PHSUBD, half == 0 ? d0 : s0, half == 0 ? d1 : s1);
            case PMADDUBSW:
                return multiplyAddBytes(d, s);
            case PSIGNB:
                return lanes(d, s, 8, op);
            case PSIGNW, PMULHRSW, PABSW, PMINUW, PMAXUW:
                return lanes(d, s, 16, op);
            case PSIGND, PABSD, PMINSD, PMINUD, PMAXSD, PMAXUD, PMULLD:
                return lanes(d, s, 32, op);
            case PABSB, PMINSB, PMAXSB:
                return lanes(d, s, 8, op);
            case PALIGNR:
                return alignRight(d0, d1, s0, s1, imm, half);
            case PBLENDVB:
                return select(d, s, byteSignMask(half == 0 ? x0 : x1));
            case BLENDVPS:
                return select(d, s, dwordSignMask(half == 0 ? x0 : x1));
            case BLENDVPD:
                return (half == 0 ? x0 : x1) < 0 ? s : d;
            case PMOVSXBW, PMOVSXBD, PMOVSXBQ, PMOVSXWD, PMOVSXWQ, PMOVSXDQ, PMOVZXBW, PMOVZXBD, PMOVZXBQ, PMOVZXWD,
                    PMOVZXWQ, PMOVZXDQ:
                return extend(op, s0, half);
            case PMULDQ:
                return (long) (int) d * (long) (int) s;
            case PCMPEQQ:
                return d == s ? -1L : 0;
            case PCMPGTQ:
                return d > s ? -1L : 0;
            case LOAD:
                return s;
            case PACKUSDW:
                return packUnsignedDwords(half == 0 ? d0 : s0, half == 0 ? d1 : s1);
            case PHMINPOSUW:
                return half == 0 ? minimumPosition(s0, s1) : 0;
            case BLENDPS:
                return select(d, s, ((imm >> (2 * half)) & 1) * 0xFFFF_FFFFL | ((imm >> (2 * half + 1)) & 1) * 0xFFFF_FFFF_0000_0000L);
            case BLENDPD:
                return ((imm >> half) & 1) != 0 ? s : d;
            case PBLENDW:
                return select(d, s, expandBits(imm >> (4 * half), 4, 16));
            case MPSADBW:
                return sumsOfAbsoluteDifferences(d0, d1, s0, s1, imm, half);
            case INSERTPS:
                return insertFloat(d0, d1, s0, s1, imm, half);
            case PINSRB:
                return insert(d, s0, 8, imm & 15, half);
            case PINSRD:
                return insert(d, s0, 32, imm & 3, half);
            case PINSRQ:
                return (imm & 1) == half ? s0 : d;
            default:
                throw new IllegalStateException("unknown packed operation " + op);
        }
    }

    private static long select(long d, long s, long mask) {
        return (d & ~mask) | (s & mask);
    }

    /** Each of {@code count} low bits of {@code bits} expanded to a {@code width}-bit lane mask. */
    private static long expandBits(int bits, int count, int width) {
        long mask = 0;
        long lane = width == 64 ? -1L : (1L << width) - 1;
        for (int i = 0; i < count; i++) {
            if (((bits >> i) & 1) != 0) {
                mask |= lane << (i * width);
            }
        }
        return mask;
    }

    private static long byteSignMask(long x) {
        long signs = x & 0x8080_8080_8080_8080L;
        return (signs >>> 7) * 0xFF;
    }

    private static long dwordSignMask(long x) {
        long mask = 0;
        if ((int) x < 0) {
            mask |= 0xFFFF_FFFFL;
        }
        if (x < 0) {
            mask |= 0xFFFF_FFFF_0000_0000L;
        }
        return mask;
    }

    private static int byteOf(long lo, long hi, int i) {
        return (int) (((i < 8 ? lo : hi) >>> ((i & 7) * 8)) & 0xFF);
    }

    private static long shuffleBytes(long d0, long d1, long s) {
        long result = 0;
        for (int i = 0; i < 8; i++) {
            int index = (int) (s >>> (i * 8)) & 0xFF;
            if ((index & 0x80) == 0) {
                result |= (long) byteOf(d0, d1, index & 15) << (i * 8);
            }
        }
        return result;
    }

    private static long horizontalWords(int op, long lo, long hi) {
        long result = 0;
        for (int i = 0; i < 4; i++) {
            long pairs = i < 2 ? lo : hi;
            int shift = (i & 1) * 32;
            int a = (short) (pairs >>> shift);
            int b = (short) (pairs >>> (shift + 16));
            int r = switch (op) {
                case PHADDW -> a + b;
                case PHSUBW -> a - b;
                case PHADDSW -> saturateSignedWord(a + b);
                default -> saturateSignedWord(a - b);
            };
            result |= (r & 0xFFFFL) << (i * 16);
        }
        return result;
    }

    private static long horizontalDwords(boolean subtract, long lo, long hi) {
        int r0 = subtract ? (int) lo - (int) (lo >>> 32) : (int) lo + (int) (lo >>> 32);
        int r1 = subtract ? (int) hi - (int) (hi >>> 32) : (int) hi + (int) (hi >>> 32);
        return (r0 & 0xFFFF_FFFFL) | ((long) r1 << 32);
    }

    private static int saturateSignedWord(int v) {
        return Math.max(-32768, Math.min(32767, v));
    }

    private static long multiplyAddBytes(long d, long s) {
        long result = 0;
        for (int i = 0; i < 4; i++) {
            int a0 = (int) (d >>> (i * 16)) & 0xFF;
            int a1 = (int) (d >>> (i * 16 + 8)) & 0xFF;
            int b0 = (byte) (s >>> (i * 16));
            int b1 = (byte) (s >>> (i * 16 + 8));
            result |= (saturateSignedWord(a0 * b0 + a1 * b1) & 0xFFFFL) << (i * 16);
        }
        return result;
    }

    /** Lane-wise operations on {@code bits}-bit lanes. */
    private static long lanes(long d, long s, int bits, int op) {
        long result = 0;
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        int shiftLeft = 64 - bits;
        for (int i = 0; i < 64 / bits; i++) {
            int shift = i * bits;
            long a = d << (shiftLeft - shift) >> shiftLeft; // signed lane
            long b = s << (shiftLeft - shift) >> shiftLeft;
            long ua = a & mask;
            long ub = b & mask;
            long r = switch (op) {
                case PSIGNB, PSIGNW, PSIGND -> b < 0 ? -a : (b == 0 ? 0 : a);
                case PMULHRSW -> ((a * b >> 14) + 1) >> 1;
                case PABSB, PABSW, PABSD -> Math.abs(b);
                case PMINSB, PMINSD -> Math.min(a, b);
                case PMAXSB, PMAXSD -> Math.max(a, b);
                case PMINUW, PMINUD -> Math.min(ua, ub);
                case PMAXUW, PMAXUD -> Math.max(ua, ub);
                default -> a * b; // PMULLD
            };
            result |= (r & mask) << shift;
        }
        return result;
    }

    private static long alignRight(long d0, long d1, long s0, long s1, int imm, int half) {
        long result = 0;
        for (int i = 0; i < 8; i++) {
            int k = (imm & 0xFF) + half * 8 + i;
            long b;
            if (k < 16) {
                b = byteOf(s0, s1, k);
            } else if (k < 32) {
                b = byteOf(d0, d1, k - 16);
            } else {
                b = 0;
            }
            result |= b << (i * 8);
        }
        return result;
    }

    /** PMOVSX/PMOVZX: elements of the low source quadword widened; {@code half} selects which ones. */
    private static long extend(int op, long s, int half) {
        boolean signed = op <= PMOVSXDQ;
        int kind = signed ? op - PMOVSXBW : op - PMOVZXBW;
        int from = switch (kind) {
            case 0, 1, 2 -> 8;
            case 3, 4 -> 16;
            default -> 32;
        };
        int to = switch (kind) {
            case 0 -> 16;
            case 1, 3 -> 32;
            default -> 64;
        };
        int perHalf = 64 / to;
        long result = 0;
        long toMask = to == 64 ? -1L : (1L << to) - 1;
        for (int i = 0; i < perHalf; i++) {
            int element = half * perHalf + i;
            long v = s >>> (element * from);
            v = signed ? v << (64 - from) >> (64 - from) : v & ((1L << from) - 1);
            result |= (v & toMask) << (i * to);
        }
        return result;
    }

    private static long packUnsignedDwords(long lo, long hi) {
        long result = 0;
        for (int i = 0; i < 4; i++) {
            int v = (int) ((i < 2 ? lo : hi) >>> ((i & 1) * 32));
            long w = Math.max(0, Math.min(0xFFFF, v));
            result |= w << (i * 16);
        }
        return result;
    }

    private static long minimumPosition(long s0, long s1) {
        int min = 0x10000;
        int index = 0;
        for (int i = 0; i < 8; i++) {
            int w = (int) ((i < 4 ? s0 : s1) >>> ((i & 3) * 16)) & 0xFFFF;
            if (w < min) {
                min = w;
                index = i;
            }
        }
        return min | (long) index << 16;
    }

    private static long sumsOfAbsoluteDifferences(long d0, long d1, long s0, long s1, int imm, int half) {
        int destinationOffset = ((imm >> 2) & 1) * 4;
        int sourceOffset = (imm & 3) * 4;
        long result = 0;
        for (int i = 0; i < 4; i++) {
            int word = half * 4 + i;
            int sum = 0;
            for (int j = 0; j < 4; j++) {
                sum += Math.abs(byteOf(d0, d1, destinationOffset + word + j) - byteOf(s0, s1, sourceOffset + j));
            }
            result |= (long) sum << (i * 16);
        }
        return result;
    }

    private static long insertFloat(long d0, long d1, long s0, long s1, int imm, int half) {
        int sourceElement = (imm >> 6) & 3;
        long value = ((sourceElement < 2 ? s0 : s1) >>> ((sourceElement & 1) * 32)) & 0xFFFF_FFFFL;
        int destinationElement = (imm >> 4) & 3;
        long result = half == 0 ? d0 : d1;
        if (destinationElement >> 1 == half) {
            int shift = (destinationElement & 1) * 32;
            result = (result & ~(0xFFFF_FFFFL << shift)) | (value << shift);
        }
        int zero = (imm >> (2 * half)) & 3;
        return result & ~expandBits(zero, 2, 32);
    }

    private static long insert(long d, long value, int bits, int element, int half) {
        int perHalf = 64 / bits;
        if (element / perHalf != half) {
            return d;
        }
        int shift = (element % perHalf) * bits;
        long mask = ((1L << bits) - 1) << shift;
        return (d & ~mask) | ((value << shift) & mask);
    }
}
