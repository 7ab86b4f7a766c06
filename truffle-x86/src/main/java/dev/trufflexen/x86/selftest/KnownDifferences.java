package dev.trufflexen.x86.selftest;

import java.util.Map;

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
        return X87KnownDifferences.reason(mismatch);
    }

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
        Sse4KnownDifferences.addTo(REASONS);
        known("C4 (VEX)", "VEX-encoded AVX/BMI instructions are not implemented (#UD)");
        known("C5 (VEX)", "VEX-encoded AVX instructions are not implemented (#UD)");
        known("62 (EVEX)", "EVEX-encoded AVX-512 instructions are not implemented (#UD)");
        String approximation = "RCPPS/RCPSS/RSQRTPS/RSQRTSS: the approximation is model-specific (a table inside the processor);"
                + " TruffleXen returns the correctly rounded value, within the architectural error bound";
        for (String form : new String[] {"0F 52", "F3 0F 52", "0F 53", "F3 0F 53"}) {
            known(form, approximation);
        }
        known("0F AE /4 mem", "XSAVE is not implemented (#UD)");
        known("0F AE /5 mem", "XRSTOR is not implemented (#UD)");
        known("0F AE /6 mem", "XSAVEOPT is not implemented (#UD)");
        String sse4a = "AMD SSE4a (MOVNTSS, MOVNTSD, EXTRQ, INSERTQ) is not advertised by TruffleXen's CPUID and raises #UD;"
                + " the AMD host runs it (vendor-specific)";
        for (String form : new String[] {"F3 0F 2B", "F2 0F 2B", "66 0F 78", "66 0F 79"}) {
            known(form, sse4a);
        }
        known("0F C7 /3 mem", "XRSTORS: host #GP or #UD, TruffleXen #UD; not compared yet");
        known("0F C7 /4 mem", "XSAVEC is not implemented (#UD)");
        known("0F C7 /5 mem", "XSAVES: host #GP, TruffleXen #UD");

        // Instructions that read the platform's descriptor tables, which differ from the host's.
        for (String prefix : new String[] {"", "F2 ", "F3 "}) {
            known(prefix + "0F 02", "LAR reads the platform's descriptor tables (none in the self-test), not the host's");
            known(prefix + "0F 03", "LSL reads the platform's descriptor tables (none in the self-test), not the host's");
        }

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
        known("F1", "INT1 (ICEBP): the host reports RIP at the instruction, TruffleXen after it (host kernel behaviour unconfirmed)");
        for (String prefix : new String[] {"", "F2 ", "F3 "}) {
            known(prefix + "0F 78", "VMREAD/EXTRQ: host #UD or SSE4a; TruffleXen #UD with a different length");
            known(prefix + "0F 79", "VMWRITE/INSERTQ: host #UD or SSE4a; TruffleXen #UD with a different length");
        }
        known("F2 0F FF", "UD0 consumes a ModRM on the host; TruffleXen's #UD has the same vector but the case differs");
        known("F3 0F FF", "UD0 consumes a ModRM on the host; TruffleXen's #UD has the same vector but the case differs");
    }
}
