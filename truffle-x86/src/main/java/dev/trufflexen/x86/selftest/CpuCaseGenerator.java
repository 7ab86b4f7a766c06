package dev.trufflexen.x86.selftest;

import static dev.trufflexen.x86.cpu.X86LittleEndian.putInt;
import static dev.trufflexen.x86.cpu.X86LittleEndian.putLong;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.decoder.X86OpcodeTable;

/**
 * Generates {@link CpuCase}s from a seed: an opcode from the one-byte, 0F, 0F38 or 0F3A map,
 * random legacy prefixes (66, 67, F2, F3, LOCK, segment) and REX, a random ModRM/SIB with
 * displacement, edge-biased immediates and register values (0, 1, -1, 0x7F.., 0x80.., small,
 * random, pointers into the code and data pages) and random data.
 *
 * <p>Memory operands are aimed at the data page most of the time (the base or index register,
 * or the displacement, is solved for), so that loads and stores are compared rather than
 * faulting; the rest fault, which is compared too. FS-relative operands must land in the data
 * page (on the host, FS is the C library's TLS), so an FS prefix that cannot be aimed becomes DS.
 *
 * <p>SSE: half of the 0F-map cases take an SSE/MMX opcode, usually with one mandatory prefix
 * (none, 66, F3 or F2, equally likely), and {@link SseCaseValues} fills XMM registers and the
 * data page with edge-biased floats and sets a non-default MXCSR in some cases.
 *
 * <p>About one case in eight is an x87 instruction (D8-DF or FWAIT), and the initial x87 state
 * and x87 memory operands are edge-biased ({@link X87CaseValues}), so every x87 form is covered.
 *
 * <p>Never generated ({@link #EXCLUDED_ONE_BYTE}, {@link #EXCLUDED_TWO_BYTE}): what the host
 * runner cannot survive or what TruffleXen virtualizes on purpose; also what differs between
 * CPU vendors: near branches with a 66 prefix, LOOPE/LOOPNE with F2/F3, and several segment
 * prefixes on one instruction.
 */
public final class CpuCaseGenerator {
    /**
     * INT n (a host syscall; TruffleXen hands software interrupts to the platform), MOV Sreg, far
     * RET, IRET: virtualized or unsafe on the host. HLT is swept: #GP(0) at CPL 3 on both sides.
     */
    static final int[] EXCLUDED_ONE_BYTE = {0xCD, 0x8E, 0xCA, 0xCB, 0xCF};
    /**
     * 0F 00/01 (system, XGETBV, WRPKRU, RDTSCP...), SYSCALL, SYSRET, RDTSC, RDPMC, SYSENTER,
     * SYSEXIT, GETSEC, POP FS/GS, CPUID, LSS/LFS/LGS: virtualized, or unsafe on the host (a
     * segment load would take the C library's FS away from the runner). CPUID answers from
     * TruffleXen's own policy and RDTSC/RDTSCP from the platform's virtual TSC, so their results
     * differ from the host's by design; X86CpuidPolicyTest checks them instead.
     */
    static final int[] EXCLUDED_TWO_BYTE = {0x00, 0x01, 0x05, 0x07, 0x31, 0x33, 0x34, 0x35, 0x37, 0xA1, 0xA2, 0xA9,
        0xB2, 0xB4, 0xB5};
    private static final long[] EDGES = {0, 1, 2, -1, -2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFFL,
        0x8000_0000L, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFF_0000_0000L};

    private final SplittableRandom random;
    private final long fsBase;
    private final int[] oneByte;
    private final int[] twoByte;
    private final SseCaseValues sse;
    /** The 0F-map SSE opcodes, chosen for half of the 0F-map cases. */
    private final int[] sseTwoByte;
    private long number;
    /** The data-page address the memory operand was aimed at, or -1. */
    private long aimedTarget;
    private final X87CaseValues x87;

    public CpuCaseGenerator(long seed, long fsBase) {
        this.random = new SplittableRandom(seed);
        this.fsBase = fsBase;
        this.oneByte = candidates(0x00, 0xFF, EXCLUDED_ONE_BYTE, true);
        this.twoByte = candidates(0x00, 0xFF, EXCLUDED_TWO_BYTE, false);
        this.sse = new SseCaseValues(random);
        // 0F AE (FXSAVE, FXRSTOR, LDMXCSR, STMXCSR among its eight groups) four times over.
        IntStream sseOpcodes = IntStream.of(twoByte).filter(op -> InstructionForm.isSseOpcode(0x100 | op) || op == 0xAE || op == 0xC3);
        this.sseTwoByte = IntStream.concat(sseOpcodes, IntStream.of(0xAE, 0xAE, 0xAE)).toArray();
        this.x87 = new X87CaseValues(random);
    }

    private static int[] candidates(int from, int to, int[] excluded, boolean oneByteMap) {
        List<Integer> list = new ArrayList<>();
        outer:
        for (int op = from; op <= to; op++) {
            for (int e : excluded) {
                if (e == op) {
                    continue outer;
                }
            }
            if (oneByteMap && (isPrefix(op) || (op >= 0x40 && op <= 0x4F) || op == 0x0F)) {
                continue;
            }
            if (!oneByteMap && (op == 0x38 || op == 0x3A)) {
                continue;
            }
            list.add(op);
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isPrefix(int b) {
        return switch (b) {
            case 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3 -> true;
            default -> false;
        };
    }

    public CpuCase next() {
        int kind = random.nextInt(100);
        if (kind < CpuCaseMix.RANDOM_BYTES_PERCENT) {
            return randomBytes(single());
        } else if (kind < CpuCaseMix.RANDOM_BYTES_PERCENT + CpuCaseMix.SEQUENCE_PERCENT) {
            return sequence();
        } else if (kind < CpuCaseMix.RANDOM_BYTES_PERCENT + CpuCaseMix.SEQUENCE_PERCENT + CpuCaseMix.MEMORY_SEQUENCE_PERCENT) {
            return CpuMemorySequences.of(random, single());
        }
        return single();
    }

    /** A sequence ({@link CpuCaseMix}) of 2-6 instructions; rarely a single instruction when none can lead one. */
    CpuCase nextSequence() {
        return sequence();
    }

    private CpuCase single() {
        while (true) {
            CpuCase c = attempt();
            if (c != null) {
                return c;
            }
        }
    }

    /** LDMXCSR and FXRSTOR load a valid MXCSR (and FXRSTOR a plausible control word) most of the time. */
    private void sseControlData(int opcode, byte[] code, byte[] data) {
        if (opcode != 0x1AE || aimedTarget < 0 || random.nextInt(100) >= 85) {
            return;
        }
        X86Instruction insn = X86Decoder.decode(code, 0, SelftestLayout.CODE);
        int group = insn.reg() & 7;
        int at = (int) (aimedTarget - SelftestLayout.DATA);
        if (group == 2) {
            putInt(data, at, sse.mxcsr());
        } else if (group == 1 && at + 512 <= data.length) {
            putInt(data, at + 24, sse.mxcsr());
            data[at] = 0x7F;
            data[at + 1] = 0x03;
        }
    }

    /** {@code base}'s state running random bytes instead ({@link CpuCaseMix}); {@code base} if none fit. */
    private CpuCase randomBytes(CpuCase base) {
        for (int tries = 0; tries < 20; tries++) {
            byte[] code = CpuCaseMix.randomBytes(random, base.rip());
            if (code != null && CpuCaseMix.safeOnHost(code, base.rip(), EXCLUDED_ONE_BYTE, EXCLUDED_TWO_BYTE)) {
                return new CpuCase(base.number(), InstructionForm.of(code), code, base.codeOffset(), base.registers(), base.rflags(),
                        base.data(), base.fpu());
            }
        }
        return base;
    }

    /** A swept instruction followed by 1-5 more ({@link CpuCaseMix}); a single case if none can lead one. */
    private CpuCase sequence() {
        CpuCase first = single();
        for (int tries = 0; tries < 20 && !canLeadSequence(first); tries++) {
            first = single();
        }
        if (!canLeadSequence(first)) {
            return first;
        }
        int wanted = 1 + random.nextInt(5);
        int length = first.code().length;
        List<byte[]> more = new ArrayList<>();
        for (int tries = 0; tries < 40 && more.size() < wanted; tries++) {
            CpuCase c = attempt();
            if (c != null && length + c.code().length < SelftestLayout.MAX_CODE && CpuCaseMix.sequenceMember(c.code(), c.rip())) {
                more.add(c.code());
                length += c.code().length;
            }
        }
        return more.isEmpty() ? first : CpuCaseMix.sequence(first, more);
    }

    private static boolean canLeadSequence(CpuCase c) {
        return c.codeOffset() <= SelftestLayout.PAGE - SelftestLayout.MAX_CODE && CpuCaseMix.sequenceMember(c.code(), c.rip());
    }

    private CpuCase attempt() {
        aimedTarget = -1;
        long[] regs = new long[X86Reg.COUNT];
        for (int r = 0; r < X86Reg.COUNT; r++) {
            regs[r] = value();
        }
        regs[X86Reg.RSP] = SelftestLayout.DATA + 0x400 + 8L * random.nextInt(0x80);
        if (random.nextInt(100) < 85) {
            regs[X86Reg.RSI] = SelftestLayout.DATA + random.nextInt(SelftestLayout.PAGE);
            regs[X86Reg.RDI] = SelftestLayout.DATA + random.nextInt(SelftestLayout.PAGE);
            regs[X86Reg.RBX] = random.nextBoolean() ? regs[X86Reg.RBX] : SelftestLayout.DATA + random.nextInt(0xF00);
        }
        if (random.nextInt(100) < 70) {
            regs[X86Reg.RCX] = random.nextInt(20);
        }

        // Opcode and map.
        int map = random.nextInt(100);
        int opcode;
        byte[] escape;
        if (map < 12) {
            opcode = x87Opcode();
            escape = new byte[0];
        } else if (map < 55) {
            opcode = oneByte[random.nextInt(oneByte.length)];
            escape = new byte[0];
        } else if (map < 90) {
            int second = random.nextInt(100) < 50 ? sseTwoByte[random.nextInt(sseTwoByte.length)] : twoByte[random.nextInt(twoByte.length)];
            opcode = 0x100 | second;
            escape = new byte[] {0x0F, (byte) second};
        } else {
            boolean is38 = map < 95;
            opcode = Sse4CaseShaper.opcode(random, is38, regs);
            int third = opcode & 0xFF;
            escape = new byte[] {0x0F, (byte) (is38 ? 0x38 : 0x3A), (byte) third};
        }
        if (escape.length == 0) {
            escape = new byte[] {(byte) opcode};
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int segmentPosition = -1;
        boolean sseOpcode = InstructionForm.isSseOpcode(opcode) || opcode == 0x1AE || opcode == 0x1C3;
        int prefixCount = random.nextInt(100) < 40 ? 0 : 1 + random.nextInt(3);
        if (sseOpcode && random.nextInt(100) < 75) {
            prefixCount = random.nextInt(100) < 80 ? 0 : 1;
        }
        for (int p = 0; p < prefixCount; p++) {
            int roll = random.nextInt(100);
            int prefix;
            if (roll < 30) {
                prefix = 0x66;
            } else if (roll < 42) {
                prefix = 0x67;
            } else if (roll < 55) {
                prefix = 0xF2;
            } else if (roll < 70) {
                prefix = 0xF3;
            } else if (roll < 80) {
                prefix = 0xF0;
            } else if (roll < 88) {
                prefix = 0x65;
            } else if (roll < 94) {
                prefix = 0x64;
            } else {
                prefix = new int[] {0x26, 0x2E, 0x36, 0x3E}[random.nextInt(4)];
            }
            if (prefix == 0x64 || prefix == 0x65 || prefix == 0x26 || prefix == 0x2E || prefix == 0x36 || prefix == 0x3E) {
                if (segmentPosition >= 0) {
                    continue; // one segment prefix: whether a later DS cancels FS/GS differs by vendor
                }
                segmentPosition = out.size();
            }
            out.write(prefix);
        }
        int mandatoryPrefix = Sse4CaseShaper.mandatoryPrefix(random, opcode);
        if (mandatoryPrefix >= 0) {
            out.write(mandatoryPrefix);
        } else if (sseOpcode && prefixCount <= 1) {
            int mandatory = random.nextInt(4);
            if (mandatory > 0) {
                out.write(new int[] {0, 0x66, 0xF3, 0xF2}[mandatory]);
            }
        }
        if (random.nextInt(100) < 50) {
            out.write(0x40 | random.nextInt(16));
        }
        out.writeBytes(escape);

        int dispPosition = -1;
        int attributes = X86OpcodeTable.attributes(opcode);
        if ((attributes & X86OpcodeTable.INVALID) != 0) {
            for (int k = 0; k < 4; k++) {
                out.write(random.nextInt(256));
            }
        } else if ((attributes & X86OpcodeTable.MODRM) != 0) {
            int mod = random.nextInt(100) < 40 ? 3 : random.nextInt(3);
            int modrm = (mod << 6) | random.nextInt(64);
            int reg = (modrm >> 3) & 7;
            if (opcode == 0xFF && (reg == 3 || reg == 5)
                    || mod == 3 && opcode == 0x1AE && reg < 4
                    || mod == 3 && opcode == 0x1C7 && reg >= 6) {
                return null;
            }
            out.write(modrm);
            int rm = modrm & 7;
            if (mod != 3) {
                boolean disp32 = mod == 2 || (mod == 0 && rm == 5);
                if (rm == 4) {
                    int sib = random.nextInt(256);
                    out.write(sib);
                    disp32 |= mod == 0 && (sib & 7) == 5;
                }
                if (mod == 1) {
                    out.write(random.nextInt(256));
                } else if (disp32) {
                    dispPosition = out.size();
                    long disp = random.nextInt(0x1000) - 0x800;
                    for (int k = 0; k < 4; k++) {
                        out.write((int) (disp >> (8 * k)));
                    }
                }
            }
        }
        int immediatePosition = out.size();
        long immediate = random.nextInt(100) < 40 ? random.nextInt(70) : value();
        for (int k = 0; k < 8; k++) {
            out.write((int) (immediate >>> (8 * k)));
        }
        byte[] code = out.toByteArray();
        int offset = random.nextInt(100) < 5 ? SelftestLayout.PAGE - 1 - random.nextInt(6) : 0x100 + random.nextInt(0xE00);
        long rip = SelftestLayout.CODE + offset;
        X86Instruction insn = X86Decoder.decode(code, 0, rip);
        if (insn.isValid()) {
            code = java.util.Arrays.copyOf(code, insn.length());
            if (!aim(insn, code, regs, segmentPosition, dispPosition, immediatePosition)) {
                return null;
            }
            insn = X86Decoder.decode(code, 0, rip);
            if (insn.fault() == null && isRelativeBranch(insn.opcode())
                    && insn.branchTarget() >= rip && insn.branchTarget() <= rip + insn.length()) {
                return null; // a branch to itself would never reach the landing int3
            }
            if (insn.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE) && isNearBranch(insn)) {
                return null; // vendor-specific: AMD honours 66 on near branches, Intel ignores it
            }
            if ((insn.opcode() == 0xE0 || insn.opcode() == 0xE1)
                    && insn.hasPrefix(X86Instruction.PREFIX_REP | X86Instruction.PREFIX_REPNE)) {
                return null; // undocumented: on AMD an F3/F2 prefix makes LOOPNE/LOOPE test ZF=1/ZF=0 instead
            }
            if (!fsSafe(insn, code, regs)) {
                return null;
            }
        } else {
            if (insn.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE) && isRelativeBranch(insn.opcode())) {
                return null; // even when invalid (LOCK), AMD sizes a 66 branch's displacement as 16 bits
            }
            code = java.util.Arrays.copyOf(code, Math.min(code.length, immediatePosition + 4));
            if (segmentPosition >= 0 && code[segmentPosition] == 0x64) {
                code[segmentPosition] = 0x3E;
            }
        }
        byte[] data = new byte[SelftestLayout.PAGE];
        random.nextBytes(data);
        if (sseOpcode) {
            sse.fillData(data);
            sseControlData(opcode, code, data);
        }
        for (int slot = 0; slot < SelftestLayout.PAGE; slot += 8) {
            if (random.nextInt(8) == 0) {
                putLong(data, slot, SelftestLayout.CODE + random.nextInt(SelftestLayout.PAGE));
            }
        }
        if (opcode == 0x9D) {
            putLong(data, (int) (regs[X86Reg.RSP] - SelftestLayout.DATA), random.nextLong() & SelftestLayout.COMPARED_FLAGS);
        }
        if (insn.isValid()) {
            x87.operand(insn, regs, fsBase, data);
        }
        long rflags = random.nextLong() & SelftestLayout.COMPARED_FLAGS;
        byte[] fpu = fpuImage();
        Sse4CaseShaper.shapeState(random, opcode, fpu, data);
        return new CpuCase(number++, InstructionForm.of(code), code, offset, regs, rflags, data, fpu);
    }

    /** An x87 escape (D8-DF), or FWAIT now and then: about 12% of cases, so every x87 form is covered. */
    private int x87Opcode() {
        return random.nextInt(20) == 0 ? 0x9B : 0xD8 + random.nextInt(8);
    }

    private static boolean isRelativeBranch(int op) {
        return op >= 0x70 && op <= 0x7F || op >= 0xE0 && op <= 0xE3 || op == 0xE8 || op == 0xE9 || op == 0xEB
                || op >= 0x180 && op <= 0x18F;
    }

    private static boolean isNearBranch(X86Instruction insn) {
        int op = insn.opcode();
        int group = insn.reg() & 7;
        return isRelativeBranch(op) || op == 0xC2 || op == 0xC3 || op == 0xFF && (group == 2 || group == 4);
    }

    /** The initial x87/SSE state: FNINIT's x87 state, default MXCSR, XMM registers from {@link #value()}. */
    private byte[] fpuImage() {
        X86FpuState state = new X86FpuState();
        for (int reg = 0; reg < 16; reg++) {
            state.setXmm(reg, 0, sse.quadword(value()));
            state.setXmm(reg, 1, sse.quadword(value()));
        }
        state.setMxcsr(sse.mxcsr());
        x87.fill(state);
        if ((state.statusWord() & 0x80) == 0) {
            // Without a pending exception an AMD processor's XSAVE leaves FOP/FIP/FDP out, so a
            // context switch of the host runner would lose them: start such cases from zero.
            state.setLastInstruction(0, 0, 0);
        }
        byte[] image = new byte[X86FpuState.FXSAVE_SIZE];
        state.saveFxsave(image, 0);
        return image;
    }

    /** An edge-biased 64-bit value. */
    private long value() {
        int roll = random.nextInt(100);
        if (roll < 40) {
            return EDGES[random.nextInt(EDGES.length)];
        } else if (roll < 55) {
            return random.nextInt(64) - 8;
        } else if (roll < 65) {
            return SelftestLayout.CODE + random.nextInt(SelftestLayout.PAGE);
        } else if (roll < 75) {
            return random.nextLong() & 0xFFFF_FFFFL;
        } else if (roll < 80) {
            return (byte) random.nextInt();
        }
        return random.nextLong();
    }

    /**
     * Aims the memory operand at the data page (85% of cases; always with FS) by solving for the
     * base or index register or rewriting the displacement. False to drop the case.
     */
    private boolean aim(X86Instruction insn, byte[] code, long[] regs, int segmentPosition, int dispPosition, int immediatePosition) {
        boolean fs = insn.segment() == X86Segment.FS;
        if (!fs && random.nextInt(100) >= 85) {
            return true;
        }
        long segmentBase = segmentBase(insn.segment());
        long target = SelftestLayout.DATA + (random.nextInt(SelftestLayout.PAGE - 64) & (random.nextInt(100) < 70 ? ~15 : ~0));
        if (insn.opcode() == 0x1AE && insn.hasMemory() && (insn.reg() & 7) <= 1 && random.nextInt(100) < 90) {
            target = SelftestLayout.DATA + (random.nextInt(SelftestLayout.PAGE - 512) & ~15);
        }
        aimedTarget = target;
        int op = insn.opcode();
        if (op >= 0xA0 && op <= 0xA3) {
            if (fs && insn.addressSize() == 4) {
                code[segmentPosition] = 0x3E;
                segmentBase = 0;
            }
            long address = target - segmentBase;
            int at = code.length - insn.addressSize();
            for (int k = 0; k < insn.addressSize(); k++) {
                code[at + k] = (byte) (address >>> (8 * k));
            }
            return true;
        }
        if (isStringSource(op) || op == 0xD7) {
            if (fs && insn.addressSize() == 4) {
                code[segmentPosition] = 0x3E;
                segmentBase = 0;
            }
            regs[op == 0xD7 ? X86Reg.RBX : X86Reg.RSI] = target - segmentBase - (op == 0xD7 ? regs[X86Reg.RAX] & 0xFF : 0);
            return true;
        }
        if (op == 0x1F7) { // MASKMOVQ/MASKMOVDQU store at (segment:)rDI: never into the host's own memory
            if (fs && insn.addressSize() == 4) {
                code[segmentPosition] = 0x3E;
                segmentBase = 0;
            }
            regs[X86Reg.RDI] = target - segmentBase;
            return true;
        }
        if (!insn.hasMemory()) {
            return true;
        }
        if (fs && (insn.addressSize() == 4 || insn.ripRelative() || insn.base() == X86Instruction.NO_REGISTER
                || isBitTestWithRegister(op))) {
            code[segmentPosition] = 0x3E;
            segmentBase = 0;
        }
        long wanted = target - segmentBase;
        int base = insn.base();
        int index = insn.index();
        int scale = insn.scaleShift();
        if (insn.ripRelative()) {
            if (dispPosition < 0) {
                return false;
            }
            putInt(code, dispPosition, (int) (target - (insn.rip() + insn.length())));
        } else if (base != X86Instruction.NO_REGISTER) {
            long disp = insn.displacement();
            if (index == base) {
                regs[base] = (wanted - disp) / (1 + (1L << scale));
            } else {
                long scaled = index == X86Instruction.NO_REGISTER ? 0 : regs[index] << scale;
                regs[base] = wanted - disp - scaled;
            }
        } else if (index != X86Instruction.NO_REGISTER) {
            regs[index] = (wanted - insn.displacement()) >> scale;
        } else if (dispPosition >= 0) {
            putInt(code, dispPosition, (int) wanted);
        }
        return true;
    }

    /** With FS, the operand must be in the data page: else the host would touch its own TLS. */
    private boolean fsSafe(X86Instruction insn, byte[] code, long[] regs) {
        if (insn.segment() != X86Segment.FS) {
            return true;
        }
        int op = insn.opcode();
        if (isStringSource(op) || op == 0xD7 || op >= 0xA0 && op <= 0xA3 || op == 0x1F7) {
            return true; // aimed above; a REP walk off the page faults on its unmapped neighbours
        }
        if (!insn.hasMemory()) {
            return true;
        }
        long ea = insn.displacement();
        if (insn.base() != X86Instruction.NO_REGISTER) {
            ea += regs[insn.base()];
        }
        if (insn.index() != X86Instruction.NO_REGISTER) {
            ea += regs[insn.index()] << insn.scaleShift();
        }
        if (insn.addressSize() == 4) {
            ea &= 0xFFFF_FFFFL;
        }
        return SelftestLayout.inData(fsBase + ea, 16);
    }

    private static boolean isStringSource(int op) {
        return op == 0xA4 || op == 0xA5 || op == 0xA6 || op == 0xA7 || op == 0xAC || op == 0xAD || op == 0x6E || op == 0x6F;
    }

    private static boolean isBitTestWithRegister(int op) {
        return op == 0x1A3 || op == 0x1AB || op == 0x1B3 || op == 0x1BB;
    }

    private long segmentBase(int segment) {
        if (segment == X86Segment.FS) {
            return fsBase;
        }
        return segment == X86Segment.GS ? SelftestLayout.DATA : 0;
    }
}
