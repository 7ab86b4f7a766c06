package dev.trufflexen.x86.selftest;

import dev.trufflexen.x86.cpu.X86Reg;

/** Text for reproducers: register dumps and flag names. */
final class SelftestFormat {
    private SelftestFormat() {
    }

    static String registers(String label, long[] registers, long rip, long rflags) {
        StringBuilder sb = new StringBuilder(label).append(":");
        for (int i = 0; i < X86Reg.COUNT; i++) {
            if (i % 4 == 0) {
                sb.append("\n    ");
            }
            sb.append(String.format("%-3s=%016x  ", X86Reg.name(i), registers[i]));
        }
        sb.append(String.format("%n    rip=%016x  rflags=%x (%s)%n", rip, rflags, flags(rflags)));
        return sb.toString();
    }

    /** The x87/SSE state of an FXSAVE image: control words and MXCSR, non-empty x87 registers, XMM registers. */
    static String fpu(String label, byte[] image) {
        StringBuilder sb = new StringBuilder(label).append(" fpu:\n");
        int tags = image[4] & 0xFF;
        sb.append(String.format("    fcw=%s fsw=%s ftw=%s mxcsr=%s%n", FpuComparison.hex(image, 0, 2), FpuComparison.hex(image, 2, 2),
                FpuComparison.hex(image, 4, 1), FpuComparison.hex(image, 24, 4)));
        int top = ((image[3] & 0xFF) >>> 3) & 7;
        for (int i = 0; i < 8; i++) {
            if ((tags & (1 << ((top + i) & 7))) != 0) {
                sb.append(String.format("    st%d=%s%n", i, FpuComparison.hex(image, 32 + 16 * i, 10)));
            }
        }
        for (int i = 0; i < 16; i += 2) {
            sb.append(String.format("    xmm%-2d=%s  xmm%-2d=%s%n", i, FpuComparison.hex(image, 160 + 16 * i, 16), i + 1,
                    FpuComparison.hex(image, 176 + 16 * i, 16)));
        }
        return sb.toString();
    }

    static String flags(long rflags) {
        String[] names = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF"};
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < names.length; bit++) {
            if (!names[bit].isEmpty() && (rflags & (1L << bit)) != 0) {
                sb.append(sb.isEmpty() ? "" : " ").append(names[bit]);
            }
        }
        return sb.toString();
    }
}
