package dev.trufflexen.x86.selftest;

import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Platform;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86PageTable;

/**
 * The TruffleXen side of the differential tester: one CPU on a small machine whose page tables
 * map {@link SelftestLayout} as the native helper does (data not executable, code not writable). A platform that stops at the first
 * exception (the landing {@code int3} or a fault) turns every run into a {@link CpuOutcome};
 * syscalls (never generated) stop it too, and a watchdog stops runaway loops.
 */
final class TruffleXenCpuRunner implements AutoCloseable {
    /** How long a case may run before the watchdog stops it. */
    private final long timeoutMillis;
    private static final Object TIMEOUT = "timeout";

    private final MachineMemory memory = new MachineMemory(32);
    private final X86Cpu cpu;
    private final long codeFrame;
    private final long dataFrame;
    private final StopPlatform platform = new StopPlatform();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "selftest-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    /** {@code timeoutMillis} bounds each case, including (with a compiling engine) its region's compilation. */
    TruffleXenCpuRunner(X86Engine engine, long fsBase, int[] selectors, long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        SelftestPageTables pages = new SelftestPageTables(memory, 1);
        codeFrame = pages.mapNew(SelftestLayout.CODE, SelftestPageTables.USER_RO);
        dataFrame = pages.mapNew(SelftestLayout.DATA, SelftestPageTables.USER_RW | X86PageTable.NO_EXECUTE);
        cpu = new X86Cpu(engine, memory, platform);
        cpu.setCr3(pages.cr3());
        cpu.setFsBase(fsBase);
        cpu.setGsBase(SelftestLayout.DATA);
        for (int segment = 0; segment < X86Segment.COUNT; segment++) {
            cpu.setSegment(segment, selectors[segment]);
        }
    }

    CpuOutcome run(CpuCase c) {
        long codeBase = codeFrame << MachineMemory.PAGE_SHIFT;
        memory.fill(codeBase, SelftestLayout.PAGE, (byte) 0xCC);
        memory.copyIn(codeBase + c.codeOffset(), c.code(), 0, Math.min(c.code().length, SelftestLayout.PAGE - c.codeOffset()));
        cpu.codeCache().invalidateFrame(codeFrame);
        memory.copyIn(dataFrame << MachineMemory.PAGE_SHIFT, c.data(), 0, SelftestLayout.PAGE);
        cpu.flushTlb();
        for (int i = 0; i < X86Reg.COUNT; i++) {
            cpu.setReg(i, c.registers()[i]);
        }
        cpu.setRip(c.rip());
        cpu.fpu().initializeX87(); // as the host runner's FNINIT before its FXRSTOR
        cpu.fpu().loadFxsave(c.fpu(), 0);
        cpu.setRflags((c.rflags() & SelftestLayout.COMPARED_FLAGS) | X86Rflags.IF);
        platform.fault = null;
        ScheduledFuture<?> timer = watchdog.schedule(() -> cpu.requestExit(TIMEOUT), timeoutMillis, TimeUnit.MILLISECONDS);
        Object reason = cpu.run();
        timer.cancel(false);
        long[] registers = new long[X86Reg.COUNT];
        Arrays.setAll(registers, cpu::reg);
        byte[] data = new byte[SelftestLayout.PAGE];
        memory.copyOut(dataFrame << MachineMemory.PAGE_SHIFT, data, 0, SelftestLayout.PAGE);
        byte[] fpu = new byte[X86FpuState.FXSAVE_SIZE];
        cpu.fpu().saveFxsave(fpu, 0);
        zeroUnusedFxsaveBytes(fpu);
        X86Fault fault = platform.fault;
        if (fault == null || reason == TIMEOUT) {
            return new CpuOutcome(CpuOutcome.TIMEOUT, 0, 0, registers, cpu.rip(), cpu.rflags(), data, fpu);
        }
        return new CpuOutcome(fault.vector(), fault.hasErrorCode() ? fault.errorCode() : 0,
                fault.vector() == X86Fault.PF ? fault.faultAddress() : 0, registers, cpu.rip(), cpu.rflags(), data, fpu);
    }

    /** The host reports bytes 0-415 of the image (through XMM15); the rest is zero on both sides. */
    private static void zeroUnusedFxsaveBytes(byte[] image) {
        Arrays.fill(image, FpuComparison.USED_BYTES, image.length, (byte) 0);
        // MXCSR_MASK is the CPU's constant, not state.
        Arrays.fill(image, 28, 32, (byte) 0);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        memory.close();
    }

    /** Stops at the first exception; a syscall or hlt (not generated) stops as a #UD-like oddity. */
    private static final class StopPlatform implements X86Platform {
        X86Fault fault;

        @Override
        public void syscall(X86Cpu cpu) {
            fault = X86Fault.of(0xFF);
            cpu.requestExit("syscall");
        }

        @Override
        public void fault(X86Cpu cpu, X86Fault f) {
            fault = f;
            cpu.requestExit(f);
        }

        @Override
        public void attention(X86Cpu cpu) {
            cpu.clearAttention();
        }
    }
}
