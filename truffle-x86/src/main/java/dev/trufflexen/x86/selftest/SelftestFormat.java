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
