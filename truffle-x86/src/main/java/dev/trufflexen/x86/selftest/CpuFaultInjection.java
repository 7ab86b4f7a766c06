package dev.trufflexen.x86.selftest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;

/**
 * Faults injected into a sequence at each position, for the compiled-mode slice of the tester:
 * a sequence of n instructions gives n + 1 cases, each running the first k instructions and then
 * one that faults (a load or a store that page-faults on address 0, or UD2). In a compiled
 * region the fault leaves through the faulting site's exit path, which must rebuild the exact
 * state after the first k instructions (registers, lazily kept flags, memory), just as the host
 * CPU reports it.
 */
final class CpuFaultInjection {
    /** mov al,[0]: #PF, read of a page that is not present. */
    private static final byte[] LOAD_FAULT = {(byte) 0x8A, 0x04, 0x25, 0, 0, 0, 0};
    /** mov [0],al: #PF, write to a page that is not present. */
    private static final byte[] STORE_FAULT = {(byte) 0x88, 0x04, 0x25, 0, 0, 0, 0};
    /** ud2: #UD. */
    private static final byte[] INVALID_OPCODE = {0x0F, 0x0B};
    private static final byte[][] FAULTS = {LOAD_FAULT, STORE_FAULT, INVALID_OPCODE};

    private CpuFaultInjection() {
    }

    /** The cases of {@code sequence} with a fault after 0, 1, ... n of its instructions (those that fit the code page). */
    static List<CpuCase> atEachPosition(CpuCase sequence) {
        List<Integer> boundaries = new ArrayList<>();
        int offset = 0;
        while (offset < sequence.code().length) {
            boundaries.add(offset);
            X86Instruction insn = X86Decoder.decode(sequence.code(), offset, sequence.rip() + offset);
            if (!insn.isValid() || insn.length() <= 0) {
                break;
            }
            offset += insn.length();
        }
        if (offset == sequence.code().length) {
            boundaries.add(offset);
        }
        List<CpuCase> cases = new ArrayList<>();
        for (int position = 0; position < boundaries.size(); position++) {
            int end = boundaries.get(position);
            byte[] fault = FAULTS[(int) ((sequence.number() + position) % FAULTS.length)];
            if (sequence.codeOffset() + end + fault.length > SelftestLayout.PAGE) {
                continue;
            }
            byte[] code = Arrays.copyOf(sequence.code(), end + fault.length);
            System.arraycopy(fault, 0, code, end, fault.length);
            cases.add(new CpuCase(sequence.number(), sequence.form(), code, sequence.codeOffset(), sequence.registers(), sequence.rflags(),
                    sequence.data(), sequence.fpu()));
        }
        return cases;
    }
}
