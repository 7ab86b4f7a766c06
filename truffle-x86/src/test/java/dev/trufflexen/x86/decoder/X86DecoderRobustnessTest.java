package dev.trufflexen.x86.decoder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * Random byte strings never make the decoder or the CPU throw a Java exception: every string
 * decodes to a valid instruction of 1-15 bytes or to a guest fault (#UD, #GP for an overlong
 * instruction, #PF for a fetch), and running it ends in a guest-visible outcome. Whether each
 * outcome matches the host is the differential tester's job (its case mix includes random bytes).
 */
class X86DecoderRobustnessTest {
    private static final int[] PREFIXES = {0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x2E, 0x3E, 0x26, 0x36, 0x64, 0x65, 0x40, 0x48, 0x4F, 0x0F,
        0x38, 0x3A, 0xC4, 0xC5, 0x62, 0x8F};

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (random.nextInt(3) == 0 ? PREFIXES[random.nextInt(PREFIXES.length)] : random.nextInt(256));
        }
        return bytes;
    }

    @Test
    void decoderNeverThrowsOnRandomBytes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 100_000; n++) {
            byte[] bytes = randomBytes(random, 1 + random.nextInt(20));
            X86Instruction insn = X86Decoder.decode(bytes, 0, 0x1000);
            assertTrue(insn.length() <= X86Decoder.MAX_LENGTH, "length " + insn.length());
            if (insn.isValid()) {
                assertTrue(insn.length() >= 1 && insn.length() <= bytes.length);
            } else {
                int vector = insn.fault().vector();
                assertTrue(vector == X86Fault.UD || vector == X86Fault.GP || vector == X86Fault.PF, insn.fault().toString());
            }
            X86Disassembler.disassemble(bytes, 0, 0x1000);
        }
    }

    @Test
    void cpuNeverThrowsOnRandomPrograms() {
        SplittableRandom random = new SplittableRandom(11);
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try (X86TestMachine m = new X86TestMachine()) {
            for (int n = 0; n < 1_500; n++) {
                m.load(X86TestMachine.CODE, randomBytes(random, 32));
                m.cpu.setRip(X86TestMachine.CODE);
                for (int r = 0; r < X86Reg.COUNT; r++) {
                    m.cpu.setReg(r, random.nextInt(3) == 0 ? X86TestMachine.DATA + random.nextInt(0x8000) : random.nextLong());
                }
                m.cpu.setReg(X86Reg.RSP, X86TestMachine.STACK_TOP - 0x100);
                m.cpu.setReg(X86Reg.RCX, random.nextInt(64));
                X86TestMachine machine = m;
                ScheduledFuture<?> stop = watchdog.schedule(() -> {
                    machine.cpu.requestAttention();
                    machine.cpu.requestExit("timeout");
                }, 2, TimeUnit.SECONDS);
                Object outcome = m.run();
                stop.cancel(false);
                assertTrue(outcome instanceof X86Fault || outcome instanceof String, String.valueOf(outcome));
            }
        } finally {
            watchdog.shutdownNow();
        }
    }
}
