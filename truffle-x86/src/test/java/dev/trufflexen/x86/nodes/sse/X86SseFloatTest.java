package dev.trufflexen.x86.nodes.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86FpuState;

/**
 * The x86 rules of SSE arithmetic that Java's float and double do not give: NaN selection and
 * the default NaN, MIN/MAX operand order, DAZ, FTZ, directed rounding, the MXCSR flags and the
 * integer indefinite. Each case names the rule it checks; the differential tester covers the rest.
 */
class X86SseFloatTest {
    private static final X86FloatFormat S = X86FloatFormat.SINGLE;
    private static final X86FloatFormat D = X86FloatFormat.DOUBLE;
    private static final int DEFAULT = X86FpuState.MXCSR_DEFAULT;
    private static final int ROUND_DOWN = DEFAULT | 0x2000;
    private static final int ROUND_UP = DEFAULT | 0x4000;
    private static final int FTZ = DEFAULT | X86SseFloat.FLUSH_TO_ZERO;
    private static final int DAZ = DEFAULT | X86SseFloat.DENORMALS_ARE_ZERO;

    private final X86FpuState fpu = new X86FpuState();

    private static long d(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static long f(float v) {
        return Float.floatToRawIntBits(v) & 0xFFFF_FFFFL;
    }

    private void check(String rule, long expected, int expectedFlags, long actual) {
        assertEquals(Long.toHexString(expected), Long.toHexString(actual), rule);
        assertEquals(expectedFlags, fpu.takeSimdExceptions(), rule + " (flags)");
    }

    @Test
    void nanRules() {
        check("inf - inf is the default NaN (negative QNaN) with IE", 0xFFF8_0000_0000_0000L, X86SseFloat.IE,
                X86SseFloat.arithmetic(X86SseFloat.SUB, D, d(Double.POSITIVE_INFINITY), d(Double.POSITIVE_INFINITY), DEFAULT, fpu));
        check("the first operand's NaN wins, quieted, IE for an SNaN", 0x7FC0_0001L, X86SseFloat.IE,
                X86SseFloat.arithmetic(X86SseFloat.ADD, S, 0x7F80_0001L, 0x7FC0_0002L, DEFAULT, fpu));
        check("a QNaN operand propagates without flags", 0xFFC0_0005L, 0,
                X86SseFloat.arithmetic(X86SseFloat.MUL, S, f(2f), 0xFFC0_0005L, DEFAULT, fpu));
        check("MAX returns the second operand when either is a NaN, with IE", f(1f), X86SseFloat.IE,
                X86SseFloat.arithmetic(X86SseFloat.MAX, S, 0x7FC0_0000L, f(1f), DEFAULT, fpu));
        check("MIN of two zeros is the second operand", f(-0f), 0,
                X86SseFloat.arithmetic(X86SseFloat.MIN, S, f(0f), f(-0f), DEFAULT, fpu));
    }

    @Test
    void flagsAndRounding() {
        check("1/3 is inexact", d(1.0 / 3), X86SseFloat.PE, X86SseFloat.arithmetic(X86SseFloat.DIV, D, d(1), d(3), DEFAULT, fpu));
        check("rounding down 1/3", d(1.0 / 3), X86SseFloat.PE, X86SseFloat.arithmetic(X86SseFloat.DIV, D, d(1), d(3), ROUND_DOWN, fpu));
        check("rounding up 1/3", d(Math.nextUp(1.0 / 3)), X86SseFloat.PE,
                X86SseFloat.arithmetic(X86SseFloat.DIV, D, d(1), d(3), ROUND_UP, fpu));
        check("x - x is -0 when rounding down", d(-0.0), 0, X86SseFloat.arithmetic(X86SseFloat.SUB, D, d(5), d(5), ROUND_DOWN, fpu));
        check("overflow: infinity with OE and PE", f(Float.POSITIVE_INFINITY), X86SseFloat.OE | X86SseFloat.PE,
                X86SseFloat.arithmetic(X86SseFloat.MUL, S, f(Float.MAX_VALUE), f(2f), DEFAULT, fpu));
        check("overflow rounding down: the largest finite value", f(Float.MAX_VALUE), X86SseFloat.OE | X86SseFloat.PE,
                X86SseFloat.arithmetic(X86SseFloat.MUL, S, f(Float.MAX_VALUE), f(2f), ROUND_DOWN, fpu));
        check("x/0 is infinity with ZE", d(Double.NEGATIVE_INFINITY), X86SseFloat.ZE,
                X86SseFloat.arithmetic(X86SseFloat.DIV, D, d(-1), d(0), DEFAULT, fpu));
    }

    @Test
    void denormals() {
        check("a denormal operand raises DE", f(Float.MIN_VALUE * 2), X86SseFloat.DE,
                X86SseFloat.arithmetic(X86SseFloat.ADD, S, f(Float.MIN_VALUE), f(Float.MIN_VALUE), DEFAULT, fpu));
        check("DAZ reads a denormal operand as zero, without DE", f(0f), 0,
                X86SseFloat.arithmetic(X86SseFloat.ADD, S, f(Float.MIN_VALUE), f(Float.MIN_VALUE), DAZ, fpu));
        check("an inexact tiny result underflows", d(Double.MIN_VALUE), X86SseFloat.UE | X86SseFloat.PE,
                X86SseFloat.arithmetic(X86SseFloat.MUL, D, d(Double.MIN_NORMAL), d(0x1p-52 * 0.75), DEFAULT, fpu));
        check("FTZ flushes a tiny result to zero with UE and PE", d(0.0), X86SseFloat.UE | X86SseFloat.PE,
                X86SseFloat.arithmetic(X86SseFloat.MUL, D, d(Double.MIN_NORMAL), d(0.5), FTZ, fpu));
    }

    @Test
    void conversions() {
        check("NaN to integer: the integer indefinite with IE", 0x8000_0000L, X86SseFloat.IE,
                X86SseConversions.toInteger(D, d(Double.NaN), 4, true, DEFAULT, fpu));
        check("out of range: the 64-bit integer indefinite", Long.MIN_VALUE, X86SseFloat.IE,
                X86SseConversions.toInteger(S, f(0x1p63f), 8, false, DEFAULT, fpu));
        check("2.5 rounds to even", 2, X86SseFloat.PE, X86SseConversions.toInteger(D, d(2.5), 4, false, DEFAULT, fpu));
        check("truncation of -2.5", 0xFFFF_FFFEL, X86SseFloat.PE, X86SseConversions.toInteger(D, d(-2.5), 4, true, DEFAULT, fpu));
        check("2^63-1 to single rounds up", f(0x1p63f), X86SseFloat.PE,
                X86SseConversions.fromInteger(S, Long.MAX_VALUE, DEFAULT, fpu));
        check("an SNaN narrows to a quieted NaN with its payload's top bits", 0x7FC0_0001L, X86SseFloat.IE,
                X86SseConversions.convertFormat(D, S, 0x7FF0_0000_2000_0000L, DEFAULT, fpu));
    }

    /**
     * The hardfloat path (host arithmetic, no flags, only under round-to-nearest with PE set and
     * masked) either declines or gives the exact path's result with no flag but PE.
     */
    @Test
    void hardfloatAgreesWithTheExactPath() {
        double[] doubles = {0.0, -0.0, 1.0, -3.0, 1.0 / 3, 0x1p-1022, -0x1p-1021, 0x1.8p-1022, 0x1p-511, 0x1p511, 0x1p1023,
            Double.MAX_VALUE, -Double.MAX_VALUE, 1e308, 1e-308, 2.5e-300, 7.0, 1 + 0x1p-52, 1e16, -1e16};
        float[] floats = {0f, -0f, 1f, -3f, 1f / 3, 0x1p-126f, -0x1p-125f, 0x1p-63f, 0x1p63f, Float.MAX_VALUE, 1e38f, 1e-38f, 7f,
            1 + 0x1p-23f, 1e8f, -1e8f};
        int hardState = DEFAULT | X86SseFloat.PE;
        int taken = 0;
        for (int op = X86SseFloat.ADD; op <= X86SseFloat.SQRT; op++) {
            for (double x : doubles) {
                for (double y : doubles) {
                    taken += compareHardfloat(op, D, d(x), d(y), hardState);
                }
            }
            for (float x : floats) {
                for (float y : floats) {
                    taken += compareHardfloat(op, S, f(x), f(y), hardState);
                }
            }
        }
        assertTrue(taken > 1000, "hardfloat took " + taken + " cases");
        assertEquals(X86SseFloat.SLOW, X86SseFloat.hardfloat(X86SseFloat.DIV, D, d(1), d(0)), "x/0 needs ZE");
        assertEquals(X86SseFloat.SLOW, X86SseFloat.hardfloat(X86SseFloat.MUL, D, d(0x1p-600), d(0x1p-600)), "underflow needs UE");
        assertFalse(X86SseFloat.isHardfloatState(DEFAULT), "PE clear: the precision flag is still to be set");
        assertFalse(X86SseFloat.isHardfloatState(ROUND_UP | X86SseFloat.PE), "directed rounding");
        assertFalse(X86SseFloat.isHardfloatState((DEFAULT | X86SseFloat.PE) & ~0x1000), "PE unmasked");
        assertTrue(X86SseFloat.isHardfloatState(hardState));
    }

    private int compareHardfloat(int op, X86FloatFormat format, long a, long b, int hardState) {
        long hard = X86SseFloat.hardfloat(op, format, a, b);
        long exact = X86SseFloat.arithmetic(op, format, a, b, DEFAULT, fpu);
        int flags = fpu.takeSimdExceptions();
        if (hard == X86SseFloat.SLOW) {
            return 0;
        }
        String what = "op " + op + " " + Long.toHexString(a) + ", " + Long.toHexString(b);
        assertEquals(Long.toHexString(exact), Long.toHexString(hard), what);
        assertEquals(0, flags & ~X86SseFloat.PE, what + ": the exact path raised more than PE");
        assertEquals(hard, X86SseFloat.arithmetic(op, format, a, b, hardState, fpu), what);
        assertEquals(0, fpu.takeSimdExceptions(), what + ": no flag under the hardfloat state");
        return 1;
    }

    /**
     * The host path with no flag work ({@link X86SseFloat#isHostExact}) must give exactly what the
     * exact path gives, with no flag but PE, under DAZ and FTZ too; and it must refuse every
     * operand or result a flag or mode could care about.
     */
    @Test
    void hostPathAgreesWithTheExactPath() {
        double[] doubles = {0.0, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL, Math.nextUp(Double.MIN_NORMAL),
            Math.nextDown(Double.MIN_NORMAL), 1, -1, 1.0 / 3, 3, 0x1p-511, 0x1p-512, 0x1p512, 0x1p511, Math.sqrt(Double.MIN_NORMAL),
            Double.MAX_VALUE, Math.nextDown(Double.MAX_VALUE), Math.sqrt(Double.MAX_VALUE), Double.POSITIVE_INFINITY, Double.NaN,
            -2.5, 1e-300, 1e300, 0x1p-1022 * 3, 0x1.fffffffffffffp-1};
        float[] floats = {0f, -0f, Float.MIN_VALUE, Float.MIN_NORMAL, Math.nextUp(Float.MIN_NORMAL), Math.nextDown(Float.MIN_NORMAL), 1f,
            -1f, 1f / 3, 3f, 0x1p-63f, 0x1p-64f, 0x1p63f, 0x1p64f, Float.MAX_VALUE, Math.nextDown(Float.MAX_VALUE),
            (float) Math.sqrt(Float.MAX_VALUE), Float.POSITIVE_INFINITY, Float.NaN, -2.5f, 1e-38f, 1e38f, 0x1.fffffep-1f};
        java.util.Random random = new java.util.Random(20261202);
        int hostCases = 0;
        for (int op : new int[] {X86SseFloat.ADD, X86SseFloat.SUB, X86SseFloat.MUL, X86SseFloat.DIV, X86SseFloat.SQRT}) {
            for (int i = 0; i < doubles.length + 400; i++) {
                for (int j = 0; j < doubles.length + 400; j += i < doubles.length ? 1 : 37) {
                    long a = i < doubles.length ? d(doubles[i]) : random.nextLong();
                    long b = j < doubles.length ? d(doubles[j]) : random.nextLong();
                    hostCases += checkHost(op, D, a, b);
                }
            }
            for (int i = 0; i < floats.length + 400; i++) {
                for (int j = 0; j < floats.length + 400; j += i < floats.length ? 1 : 37) {
                    long a = i < floats.length ? f(floats[i]) : random.nextInt() & 0xFFFF_FFFFL;
                    long b = j < floats.length ? f(floats[j]) : random.nextInt() & 0xFFFF_FFFFL;
                    hostCases += checkHost(op, S, a, b);
                }
            }
        }
        assertTrue(hostCases > 10_000, "the host path was taken in " + hostCases + " cases");
        long minNormal = d(Double.MIN_NORMAL);
        assertFalse(X86SseFloat.isHostExact(X86SseFloat.MUL, D, minNormal, d(1), minNormal), "the smallest normal may have been tiny");
        assertFalse(X86SseFloat.isHostExact(X86SseFloat.ADD, D, d(0), d(1), d(1)), "a zero operand");
        assertFalse(X86SseFloat.isHostExact(X86SseFloat.ADD, D, d(Double.MIN_VALUE), d(1), d(1)), "a denormal operand (DE)");
        assertFalse(X86SseFloat.isHostExact(X86SseFloat.MUL, D, d(Double.MAX_VALUE), d(2), d(Double.POSITIVE_INFINITY)), "overflow");
    }

    /** One case of {@link #hostPathAgreesWithTheExactPath}: 1 when the host path took it. */
    private int checkHost(int op, X86FloatFormat format, long a, long b) {
        long host = X86SseFloat.hostOperation(op, format, a, b);
        if (!X86SseFloat.isHostExact(op, format, a, b, host)) {
            return 0;
        }
        for (int mxcsr : new int[] {DEFAULT, DAZ, FTZ}) {
            String rule = "op " + op + " of " + Long.toHexString(a) + ", " + Long.toHexString(b) + " under " + Integer.toHexString(mxcsr);
            long exact = X86SseRounding.arithmetic(op, format, op == X86SseFloat.SQRT ? b : a, b, mxcsr, fpu);
            assertEquals(Long.toHexString(exact), Long.toHexString(host), rule);
            assertEquals(0, fpu.takeSimdExceptions() & ~X86SseFloat.PE, rule + " (flags)");
        }
        return 1;
    }
}
