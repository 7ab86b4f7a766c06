package dev.trufflexen.xen.domain;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Disassembler;

/**
 * What the user sees when a domain crashes: domain, reason, the registers, the instruction at RIP
 * with its bytes disassembled, and, with tracing on, the last instructions the vCPU executed.
 */
public final class CrashReport {
    private static final int CODE_BYTES = 16;

    private final String text;

    private CrashReport(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    static CrashReport capture(Domain domain, Vcpu vcpu, String reason, X86Fault fault) {
        X86Cpu cpu = vcpu.cpu();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Domain %d (%s) crashed on vCPU %d: %s%n", domain.id(), domain.name(), vcpu.id(), reason));
        sb.append(String.format("  RIP: %04x:%016x  RFLAGS: %016x  mode: %s%n", cpu.segment(X86Segment.CS), cpu.rip(),
                cpu.rflags(), vcpu.inKernelMode() ? "kernel" : "user"));
        for (int reg = 0; reg < X86Reg.COUNT; reg += 3) {
            sb.append(' ');
            for (int r = reg; r < Math.min(reg + 3, X86Reg.COUNT); r++) {
                sb.append(String.format(" %-3s: %016x", X86Reg.name(r), cpu.reg(r)));
            }
            sb.append(System.lineSeparator());
        }
        sb.append(String.format("  CR2: %016x  CR3: %016x  FS base: %016x  GS base: %016x%n", cpu.cr2(), cpu.cr3(),
                cpu.fsBase(), cpu.gsBase()));
        if (fault != null && fault.vector() == X86Fault.PF && !fault.isSoftwareInterrupt()) {
            sb.append(String.format("  page fault at %016x: %s%n", fault.faultAddress(), describePageFault(fault.errorCode())));
        }
        sb.append("  code at RIP: ").append(codeAt(cpu, cpu.rip())).append(System.lineSeparator());
        long[] trace = cpu.recentRips();
        if (trace.length > 0) {
            sb.append("  last ").append(trace.length).append(" instructions executed (oldest first):")
                    .append(System.lineSeparator());
            for (long rip : trace) {
                sb.append("    ").append(codeAt(cpu, rip)).append(System.lineSeparator());
            }
        }
        return new CrashReport(sb.toString().stripTrailing());
    }

    private static String codeAt(X86Cpu cpu, long rip) {
        byte[] code = new byte[CODE_BYTES];
        int readable = 0;
        while (readable < CODE_BYTES && cpu.copyFromGuest(rip + readable, code, readable, 1)) {
            readable++;
        }
        if (readable == 0) {
            return String.format("%016x: <not mapped>", rip);
        }
        X86Disassembler.Disassembly d = X86Disassembler.disassemble(java.util.Arrays.copyOf(code, readable), 0, rip);
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.max(1, Math.min(d.length(), readable)); i++) {
            hex.append(String.format("%02x ", code[i] & 0xFF));
        }
        return String.format("%016x: %-30s %s", rip, hex.toString().trim(), d.text());
    }

    private static String describePageFault(long errorCode) {
        return ((errorCode & X86Fault.PF_PRESENT) != 0 ? "protection violation" : "page not present")
                + ((errorCode & X86Fault.PF_FETCH) != 0 ? ", instruction fetch"
                        : (errorCode & X86Fault.PF_WRITE) != 0 ? ", write" : ", read")
                + ((errorCode & X86Fault.PF_RESERVED) != 0 ? ", reserved bit set" : "");
    }
}
