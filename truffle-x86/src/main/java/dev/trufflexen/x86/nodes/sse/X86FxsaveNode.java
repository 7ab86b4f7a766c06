package dev.trufflexen.x86.nodes.sse;

import static dev.trufflexen.x86.cpu.X86LittleEndian.getLong;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * FXSAVE and FXRSTOR, in the 64-bit layout (REX.W: 64-bit FIP and FDP) or the legacy one (32-bit
 * FIP and FDP with the FCS and FDS selectors). The operand must be 16-byte aligned (#GP(0));
 * FXRSTOR raises #GP(0) for reserved MXCSR bits. Both check the whole 512-byte area before
 * changing anything. Bytes 416-511 (reserved and software-available) are not written.
 *
 * <p>As AMD processors do, the last-instruction opcode and pointers are stored only while an
 * unmasked x87 exception is pending (FSW.ES); otherwise those fields are saved as zero.
 */
public final class X86FxsaveNode extends X86InstructionNode {
    private static final int WRITTEN_BYTES = 416;

    private final boolean restore;
    private final boolean layout64;
    @Child private X86AddressNode address;

    public X86FxsaveNode(long rip, int length, boolean restore, boolean layout64, X86AddressNode address) {
        super(rip, length);
        this.restore = restore;
        this.layout64 = layout64;
        this.address = address;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = address.executeUnchecked(frame, cpu);
        address.checkStackSegment(linear, 512); // unlike the SSE data operands, #SS comes before the alignment #GP
        X86SseMemory.checkAligned(linear);
        if (restore) {
            restore(cpu, linear);
        } else {
            save(cpu, linear);
        }
    }

    @TruffleBoundary
    private void save(X86Cpu cpu, long linear) {
        X86GuestMemory.readForWrite(cpu, linear + X86FpuState.FXSAVE_SIZE - 1, 1); // the end first, as the host does
        X86GuestMemory.readForWrite(cpu, linear, 1);
        X86FpuState fpu = cpu.fpu();
        byte[] image = new byte[X86FpuState.FXSAVE_SIZE];
        fpu.saveFxsave(image, 0);
        if ((fpu.statusWord() & 0x80) == 0) {
            java.util.Arrays.fill(image, 6, 24, (byte) 0);
        } else if (!layout64) {
            // The 32-bit layout: FCS and FDS after the 32-bit FIP and FDP.
            java.util.Arrays.fill(image, 12, 16, (byte) 0);
            java.util.Arrays.fill(image, 20, 24, (byte) 0);
            image[12] = (byte) fpu.lastCodeSelector();
            image[13] = (byte) (fpu.lastCodeSelector() >>> 8);
            image[20] = (byte) fpu.lastDataSelector();
            image[21] = (byte) (fpu.lastDataSelector() >>> 8);
        }
        for (int i = 0; i < WRITTEN_BYTES; i += 8) {
            X86GuestMemory.write(cpu, linear + i, 8, getLong(image, i));
        }
    }

    @TruffleBoundary
    private void restore(X86Cpu cpu, long linear) {
        X86GuestMemory.read(cpu, linear + X86FpuState.FXSAVE_SIZE - 1, 1); // the end first, as the host does
        X86GuestMemory.read(cpu, linear, 1);
        byte[] image = new byte[X86FpuState.FXSAVE_SIZE];
        for (int i = 0; i < WRITTEN_BYTES; i += 8) {
            long value = X86GuestMemory.read(cpu, linear + i, 8);
            for (int k = 0; k < 8; k++) {
                image[i + k] = (byte) (value >>> (8 * k));
            }
        }
        long mxcsr = getLong(image, 24) & 0xFFFF_FFFFL;
        if ((mxcsr & ~(long) X86FpuState.MXCSR_WRITABLE) != 0) {
            throw X86SseMemory.generalProtection();
        }
        int codeSelector = (image[12] & 0xFF) | (image[13] & 0xFF) << 8;
        int dataSelector = (image[20] & 0xFF) | (image[21] & 0xFF) << 8;
        if (!layout64) {
            java.util.Arrays.fill(image, 12, 16, (byte) 0);
            java.util.Arrays.fill(image, 20, 24, (byte) 0);
        }
        X86FpuState fpu = cpu.fpu();
        fpu.loadFxsave(image, 0);
        if (!layout64) {
            fpu.setLastSelectors(codeSelector, dataSelector);
        }
        // ES and B (status bits 7 and 15) follow from the loaded exception flags and masks.
        int status = fpu.statusWord();
        boolean pending = (status & ~fpu.controlWord() & 0x3F) != 0;
        fpu.setStatusWord((status & ~0x8080) | (pending ? 0x8080 : 0));
    }
}
