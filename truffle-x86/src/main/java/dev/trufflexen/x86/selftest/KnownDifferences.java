package dev.trufflexen.x86.selftest;

import java.util.Map;

import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;
import java.util.TreeMap;

/**
 * The instruction forms where TruffleXen is known to disagree with the host CPU, each with the
 * reason: the one place that says which mismatches the test suite tolerates. Every other form
 * seen by the fixed-seed slice in {@code CpuDifferentialTest} must match exactly, so a form
 * leaves this list when the CPU is fixed, and a new mismatch anywhere else fails the build.
 *
 * <p>Keys are {@link InstructionForm} names; a key ending in a space is a prefix (covers every
 * form that starts with it).
 */
public final class KnownDifferences {
    private static final Map<String, String> REASONS = new TreeMap<>();

    private KnownDifferences() {
    }

    /**
     * Why this mismatch is expected: its form is listed, or every difference it shows is a
     * known cross-cutting one; null when it is a regression.
     */
    public static String reason(CpuMismatch mismatch) {
        String byForm = reason(mismatch.form());
        if (byForm != null) {
            return byForm;
        }
        CpuOutcome host = mismatch.host();
        CpuOutcome ours = mismatch.truffleXen();
        if (host.vector() == 14 && (host.errorCode() & 0x10) != 0 && host.faultAddress() == SelftestLayout.CODE + SelftestLayout.PAGE
                && ours.vector() == 6) {
            return UD_BEFORE_FETCH;
        }
        if (host.vector() == 12 && ours.vector() == 13 && mismatch.differences().size() == 1) {
            return STACK_FAULT;
        }
        String x87 = X87KnownDifferences.reason(mismatch);
        if (x87 != null) {
            return x87;
        }
        X86Instruction i = X86Decoder.decode(mismatch.testCase().code(), 0, mismatch.testCase().rip());
        int op = i.opcode();
        if (i.isValid() && (op == 0x1A3 || op == 0x1AB || op == 0x1B3 || op == 0x1BB) && i.hasMemory() && i.addressSize() == 4) {
            return BIT_OFFSET_WRAP;
        }
        return null;
    }

    /** A non-canonical RSP/RBP-based address: hardware raises #SS, TruffleXen #GP. */
    static final String STACK_FAULT = "non-canonical stack-segment (RSP/RBP-based) address raises #GP instead of #SS";
    /** BT/BTS/BTR/BTC r/m, reg with a 67 prefix and a memory operand. */
    static final String BIT_OFFSET_WRAP = "BT/BTS/BTR/BTC with a 67 prefix: the register bit offset is added after the address"
            + " is truncated to 32 bits (hardware wraps the sum)";
    /** An invalid encoding running into an unmapped page: hardware fetches it all first. */
    static final String UD_BEFORE_FETCH = "#UD raised before the rest of the instruction is fetched (hardware: #PF on the fetch)";

    /** Why {@code form} may mismatch, or null when it must match. */
    public static String reason(String form) {
        String exact = REASONS.get(form);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> e : REASONS.entrySet()) {
            if (e.getKey().endsWith(" ") && form.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The whole list, by form. */
    public static Map<String, String> all() {
        return REASONS;
    }

    private static void known(String form, String reason) {
        REASONS.put(form, reason);
    }

    static {
        // Whole instruction sets TruffleXen does not implement yet (it raises #UD; the host runs them).
        for (String prefix : new String[] {"", "F2 ", "F3 "}) {
            known(prefix + "0F 38 ", "0F 38 map (SSSE3, SSE4.1/4.2, AES-NI, SHA, MOVBE, CRC32, ADX) is not implemented (#UD)");
            known(prefix + "0F 3A ", "0F 3A map (SSSE3, SSE4.1, PCLMULQDQ, SHA) is not implemented (#UD)");
        }
        known("C4 (VEX)", "VEX-encoded AVX/BMI instructions are not implemented (#UD)");
        known("C5 (VEX)", "VEX-encoded AVX instructions are not implemented (#UD)");
        known("62 (EVEX)", "EVEX-encoded AVX-512 instructions are not implemented (#UD)");
        String sse = "MMX/SSE/SSE2/SSE3 instructions are not implemented (#UD)";
        int[][] sseRanges = {{0x10, 0x17}, {0x28, 0x2F}, {0x50, 0x7F}, {0xC2, 0xC6}, {0xD0, 0xFE}};
        for (int[] range : sseRanges) {
            for (int op = range[0]; op <= range[1]; op++) {
                if (op == 0x78 || op == 0x79) {
                    continue;
                }
                for (String prefix : new String[] {"", "F2 ", "F3 "}) {
                    known(prefix + String.format("0F %02X", op), sse);
                }
            }
        }
        known("0F C3", "MOVNTI is not implemented (#UD)");
        known("0F AE /0 mem", "FXSAVE is not implemented (#UD)");
        known("0F AE /1 mem", "FXRSTOR is not implemented (#UD)");
        known("0F AE /2 mem", "LDMXCSR is not implemented (#UD)");
        known("0F AE /3 mem", "STMXCSR is not implemented (#UD)");
        known("0F AE /4 mem", "XSAVE is not implemented (#UD)");
        known("0F AE /5 mem", "XRSTOR is not implemented (#UD)");
        known("0F AE /6 mem", "XSAVEOPT/CLWB are not implemented (#UD)");
        known("0F AE /7 mem", "CLFLUSH/CLFLUSHOPT are not implemented (#UD)");
        known("0F C7 /1 mem", "CMPXCHG8B/CMPXCHG16B are not implemented (#UD)");
        known("0F C7 /3 mem", "XRSTORS: host #GP or #UD, TruffleXen #UD; not compared yet");
        known("0F C7 /4 mem", "XSAVEC is not implemented (#UD)");
        known("0F C7 /5 mem", "XSAVES: host #GP, TruffleXen #UD");

        // Single instructions not implemented (TruffleXen raises #UD).
        for (String prefix : new String[] {"", "F2 ", "F3 "}) {
            known(prefix + "0F 02", "LAR is not implemented (#UD)");
            known(prefix + "0F 03", "LSL is not implemented (#UD)");
        }
        known("C8", "ENTER is not implemented (#UD)");
        known("D7", "XLAT is not implemented (#UD)");
        known("E0", "LOOPNE is not implemented (#UD)");
        known("E1", "LOOPE is not implemented (#UD)");
        known("E2", "LOOP is not implemented (#UD)");
        known("E3", "JRCXZ/JECXZ is not implemented (#UD)");

        // Behaviour that differs from the host in an implemented instruction.
        for (int group = 1; group <= 7; group++) {
            known("8F /" + group, "AMD's XOP escape (8F with ModRM.reg != 0): at a page end AMD raises #UD before"
                    + " fetching the rest, TruffleXen fetches first and reports #PF (vendor-specific)");
        }
        for (String prefix : new String[] {"", "F2 ", "F3 "}) {
            known(prefix + "0F B9", "UD1 at a page end: AMD raises #UD without fetching a ModRM, TruffleXen fetches it"
                    + " (vendor-specific)");
        }
        known("0F FF", "UD0 at a page end: AMD raises #UD without fetching a ModRM, TruffleXen fetches it (vendor-specific)");
        for (String prefix : new String[] {"", "F2 ", "F3 "}) {
            for (int group = 5; group <= 7; group++) {
                known(prefix + "0F AE /" + group + " reg", "fence encodings with a 66/F2/F3 prefix or another ModRM.rm are #UD"
                        + " (or other instructions) on hardware; TruffleXen runs all of them as fences");
            }
        }
        known("F2 0F C7 /1 mem", "CMPXCHG8B/CMPXCHG16B are not implemented (#UD)");
        known("F3 0F C7 /1 mem", "CMPXCHG8B/CMPXCHG16B are not implemented (#UD)");
        known("F1", "INT1 (ICEBP): the host reports RIP at the instruction, TruffleXen after it (host kernel behaviour unconfirmed)");
        for (String prefix : new String[] {"", "F2 ", "F3 "}) {
            known(prefix + "0F 78", "VMREAD/EXTRQ: host #UD or SSE4a; TruffleXen #UD with a different length");
            known(prefix + "0F 79", "VMWRITE/INSERTQ: host #UD or SSE4a; TruffleXen #UD with a different length");
        }
        known("F2 0F FF", "UD0 consumes a ModRM on the host; TruffleXen's #UD has the same vector but the case differs");
        known("F3 0F FF", "UD0 consumes a ModRM on the host; TruffleXen's #UD has the same vector but the case differs");
    }
}
