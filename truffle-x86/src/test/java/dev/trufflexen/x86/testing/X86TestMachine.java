package dev.trufflexen.x86.testing;

import java.util.HexFormat;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.memory.MachineMemory;

/**
 * A small machine for running guest code in tests: machine memory, page tables, a recording
 * platform and one CPU. Code goes at {@link #CODE} (mapped read-only, at machine frames far from
 * its linear address), data at {@link #DATA}, the stack below {@link #STACK_TOP}.
 */
public final class X86TestMachine implements AutoCloseable {
    public static final long CODE = 0x0040_0000L;
    public static final long DATA = 0x0060_0000L;
    public static final long STACK_TOP = 0x7FFF_0000L;
    public static final int CODE_PAGES = 4;
    public static final int DATA_PAGES = 16;
    public static final int STACK_PAGES = 8;

    public final MachineMemory memory;
    public final X86PageTableBuilder pages;
    public final X86RecordingPlatform platform = new X86RecordingPlatform();
    public final X86Cpu cpu;
    private final X86Engine engine;
    private final boolean ownsEngine;

    private static X86Engine sharedEngine;

    /** A machine on an engine shared by all tests in this JVM (engine start-up is the slow part). */
    public X86TestMachine() {
        this(sharedEngine(), false);
    }

    public static synchronized X86Engine sharedEngine() {
        if (sharedEngine == null) {
            sharedEngine = X86Engine.create(false, true);
        }
        return sharedEngine;
    }

    public X86TestMachine(X86Engine engine, boolean ownsEngine) {
        this.engine = engine;
        this.ownsEngine = ownsEngine;
        this.memory = new MachineMemory(1024);
        this.pages = new X86PageTableBuilder(memory, 300);
        for (int i = 0; i < CODE_PAGES; i++) {
            pages.mapNew(CODE + i * 4096L, X86PageTableBuilder.USER_RO);
        }
        for (int i = 0; i < DATA_PAGES; i++) {
            pages.mapNew(DATA + i * 4096L, X86PageTableBuilder.USER_RW);
        }
        for (int i = 1; i <= STACK_PAGES; i++) {
            pages.mapNew(STACK_TOP - i * 4096L, X86PageTableBuilder.USER_RW);
        }
        this.cpu = new X86Cpu(engine, memory, platform);
        cpu.setCr3(pages.cr3());
        cpu.setReg(X86Reg.RSP, STACK_TOP);
        cpu.setRip(CODE);
    }

    public X86Engine engine() {
        return engine;
    }

    /** Writes code bytes (hex, spaces allowed) at {@link #CODE} through the page tables. */
    public X86TestMachine code(String hex) {
        return load(CODE, hex);
    }

    /**
     * Writes bytes at a linear address by walking the page tables (ignores write protection) and
     * drops translated code built from the frames written.
     */
    public X86TestMachine load(long linear, String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
        return load(linear, bytes);
    }

    public X86TestMachine load(long linear, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            long machine = cpu.translate(linear + i, false);
            if (machine < 0) {
                throw new IllegalArgumentException("not mapped: 0x" + Long.toHexString(linear + i));
            }
            memory.write8(machine, bytes[i]);
            // Host writes bypass the MMU, so tell the code cache (as a loader in the hypervisor must).
            cpu.codeCache().invalidateFrame(machine >>> MachineMemory.PAGE_SHIFT);
        }
        return this;
    }

    public long read64(long linear) {
        return memory.read64(cpu.translate(linear, false));
    }

    public void write64(long linear, long value) {
        memory.write64(cpu.translate(linear, false), value);
    }

    /** Runs until the guest halts or faults; returns run()'s exit reason. */
    public Object run() {
        return cpu.run();
    }

    public long reg(int reg) {
        return cpu.reg(reg);
    }

    @Override
    public void close() {
        if (ownsEngine) {
            engine.close();
        }
        memory.close();
    }
}
