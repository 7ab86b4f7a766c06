package dev.trufflexen.x86.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;

/**
 * A dense differential sweep of chosen 0F38/0F3A opcodes (default: the floating-point and
 * string-compare ones), far more cases per form than the general mix gives: register and
 * aligned [RBX] forms, random immediates, shaped XMM/MXCSR/data. Runs only with
 * trufflexen.sweep.cases set; trufflexen.sweep.opcodes takes hex opcodes such as 340,30A.
 * With trufflexen.sweep.mmx=true the cases are the MMX forms (no 66 prefix) on random MM
 * registers, x87 TOP and tags, sometimes with a pending unmasked x87 exception (#MF).
 */
class Sse4FocusedSweep {
    @Test
    void sweep() throws Exception {
        int cases = Integer.getInteger("trufflexen.sweep.cases", 0);
        assumeTrue(cases > 0 && NativeCpuOracle.supported());
        String list = System.getProperty("trufflexen.sweep.opcodes", "308,309,30A,30B,340,341,360,361,362,363,321,317,214,215");
        String[] parts = list.split(",");
        int[] opcodes = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            opcodes[k] = Integer.parseInt(parts[k].trim(), 16);
        }
        SplittableRandom random = new SplittableRandom(Long.getLong("trufflexen.sweep.seed", 5));
        boolean mmx = Boolean.getBoolean("trufflexen.sweep.mmx");
        int failed = 0;
        int printed = 0;
        int[] vectors = new int[256];
        int mxcsrChanged = 0;
        try (NativeCpuOracle oracle = new NativeCpuOracle(); X86Engine engine = X86Engine.create(true, false)) {
            int[] selectors = new int[X86Segment.COUNT];
            for (int s = 0; s < X86Segment.COUNT; s++) {
                selectors[s] = oracle.selector(s);
            }
            try (TruffleXenCpuRunner ours = new TruffleXenCpuRunner(engine, oracle.fsBase(), selectors, 5_000)) {
                for (int n = 0; n < cases; n++) {
                    CpuCase c = makeCase(random, opcodes[random.nextInt(opcodes.length)], n, mmx);
                    CpuOutcome host = oracle.run(c);
                    CpuOutcome truffleXen = ours.run(c);
                    vectors[host.vector() & 0xFF]++;
                    if (!java.util.Arrays.equals(c.fpu(), 24, 28, host.fpu(), 24, 28)) {
                        mxcsrChanged++;
                    }
                    List<String> d = CpuDifferentialTester.compare(c, host, truffleXen);
                    if (!d.isEmpty()) {
                        failed++;
                        if (printed++ < 12) {
                            System.out.println(new CpuMismatch(c, CpuDifferentialTester.disassemble(c), host, truffleXen, d).reproducer());
                        }
                    }
                }
            }
        }
        System.out.println("SWEEP " + cases + " cases, " + failed + " failed; MXCSR changed in " + mxcsrChanged);
        for (int v = 0; v < vectors.length; v++) {
            if (vectors[v] > 0) {
                System.out.println("SWEEP host vector " + v + ": " + vectors[v]);
            }
        }
        assertEquals(0, failed);
    }

    private static CpuCase makeCase(SplittableRandom random, int opcode, int number, boolean mmx) {
        long[] regs = new long[X86Reg.COUNT];
        for (int r = 0; r < regs.length; r++) {
            regs[r] = random.nextInt(100) < 50 ? random.nextInt(40) - 20 : random.nextLong();
        }
        regs[X86Reg.RSP] = SelftestLayout.DATA + 0x800;
        int place = random.nextInt(100);
        if (place < 10) {
            regs[X86Reg.RBX] = SelftestLayout.DATA + SelftestLayout.PAGE - 1 - random.nextInt(16); // runs into the unmapped page
        } else if (place < 15) {
            regs[X86Reg.RBX] = SelftestLayout.DATA - 1 - random.nextInt(16); // starts in the unmapped page below
        } else {
            regs[X86Reg.RBX] = SelftestLayout.DATA + (random.nextInt(SelftestLayout.PAGE - 32) & ~15);
        }
        int rex = 0x40 | random.nextInt(16) & 0xC; // REX.W and REX.R only: rm stays RBX or XMM3
        boolean memory = random.nextInt(100) < 30;
        int modrm = memory ? random.nextInt(8) << 3 | 3 : 0xC0 | random.nextInt(64);
        if (!memory) {
            rex |= random.nextInt(2);
        }
        byte[] code = {0x66, (byte) rex, 0x0F, (byte) ((opcode >> 8) == 2 ? 0x38 : 0x3A), (byte) opcode, (byte) modrm,
            (byte) random.nextInt(256)};
        if (mmx && (opcode >> 8) == 3 && random.nextInt(100) < 70) {
            code[6] = (byte) random.nextInt(24); // PALIGNR: mostly shifts that keep some bytes
        }
        if ((opcode >> 8) == 2) {
            code = java.util.Arrays.copyOf(code, 6);
        }
        if (mmx) {
            code = java.util.Arrays.copyOfRange(code, 1, code.length);
        }
        byte[] data = new byte[SelftestLayout.PAGE];
        random.nextBytes(data);
        X86FpuState state = new X86FpuState();
        for (int reg = 0; reg < 16; reg++) {
            state.setXmm(reg, 0, random.nextLong());
            state.setXmm(reg, 1, random.nextLong());
        }
        byte[] fpu = new byte[X86FpuState.FXSAVE_SIZE];
        state.saveFxsave(fpu, 0);
        Sse4CaseShaper.shapeState(random, opcode, fpu, data);
        if (mmx) {
            fpu = mmxState(random, fpu);
        }
        return new CpuCase(number, InstructionForm.of(code), code, 0x100, regs, random.nextLong() & SelftestLayout.COMPARED_FLAGS, data,
                fpu);
    }

    /** Random MM registers (x87 significands and exponents), TOP and tags; 10% with a pending unmasked #I. */
    private static byte[] mmxState(SplittableRandom random, byte[] image) {
        X86FpuState state = new X86FpuState();
        state.loadFxsave(image, 0);
        for (int p = 0; p < 8; p++) {
            state.setRegister(p, random.nextInt(100) < 20 ? random.nextInt(256) - 128 : random.nextLong(), random.nextInt(0x10000));
            state.setTag(p, random.nextInt(100) < 50 ? X86FpuState.TAG_EMPTY : X86FpuState.TAG_VALID);
        }
        boolean pending = random.nextInt(100) < 10;
        state.setControlWord(pending ? 0x037E : X86FpuState.FCW_DEFAULT);
        state.setStatusWord(random.nextInt(8) << 11 | (pending ? 0x8081 : 0));
        byte[] result = new byte[X86FpuState.FXSAVE_SIZE];
        state.saveFxsave(result, 0);
        return result;
    }
}
