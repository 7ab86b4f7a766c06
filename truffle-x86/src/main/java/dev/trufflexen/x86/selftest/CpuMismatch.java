package dev.trufflexen.x86.selftest;

import java.util.List;

/**
 * A case where TruffleXen and the host CPU disagree, with everything needed to reproduce it.
 *
 * @param differences one line per disagreeing item (register, flags, memory, exception)
 */
public record CpuMismatch(CpuCase testCase, String disassembly, CpuOutcome host, CpuOutcome truffleXen, List<String> differences) {
    public String form() {
        return testCase.form();
    }

    /** The multi-line reproducer: bytes, disassembly, initial state, both final states. */
    public String reproducer() {
        StringBuilder sb = new StringBuilder();
        sb.append("case ").append(testCase.number()).append(": ").append(form()).append("  ").append(disassembly).append('\n');
        sb.append(testCase.describe());
        sb.append("  differences: ").append(String.join("; ", differences)).append('\n');
        sb.append(outcome("  host      ", host));
        sb.append(outcome("  TruffleXen", truffleXen));
        return sb.toString();
    }

    private static String outcome(String label, CpuOutcome o) {
        String stop = o.timedOut() ? "did not stop" : "vector " + o.vector() + " error 0x" + Long.toHexString(o.errorCode())
                + (o.faultAddress() != 0 ? " cr2 0x" + Long.toHexString(o.faultAddress()) : "");
        return SelftestFormat.registers(label + " (" + stop + ")", o.registers(), o.rip(), o.rflags());
    }
}
