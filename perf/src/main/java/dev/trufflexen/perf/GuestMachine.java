package dev.trufflexen.perf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.testing.X86PageTableBuilder;

/**
 * One CPU on the Graal JIT running a {@link GuestProgram}: its own engine (with compilation
 * tracing into a buffer, so a benchmark can show its code really was compiled), a little machine
 * memory, 4-level page tables, code at {@link #CODE}, data at {@link #DATA}, a stack below
 * {@link #STACK_TOP}, and the {@link HypercallPlatform}.
 */
public final class GuestMachine implements AutoCloseable {
    public static final long CODE = 0x0040_0000L;
    public static final long DATA = 0x0060_0000L;
    public static final long STACK_TOP = 0x7FFF_0000L;
    public static final int CODE_PAGES = 2;
    public static final int DATA_PAGES = 16;
    public static final int STACK_PAGES = 4;

    /** Engine options of every benchmark engine: fail loudly, trace compilations into our log. */
    public static final Map<String, String> ENGINE_OPTIONS = Map.of(
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");

    private final ByteArrayOutputStream engineLog = new ByteArrayOutputStream();
    private final X86Engine engine;
    private final MachineMemory memory;
    private final X86PageTableBuilder pages;
    private final long codeMfn;
    private final HypercallPlatform platform = new HypercallPlatform();
    private final X86Cpu cpu;

    /** Builds the machine and loads {@code program}'s code at {@link #CODE}. */
    public GuestMachine(GuestProgram program) {
        this.engine = X86Engine.create(false, false, ENGINE_OPTIONS, engineLog);
        this.memory = new MachineMemory(256);
        this.pages = new X86PageTableBuilder(memory, 16);
        this.codeMfn = pages.mapNew(CODE, X86PageTableBuilder.USER_RO);
        for (int i = 1; i < CODE_PAGES; i++) {
            pages.mapNew(CODE + i * 4096L, X86PageTableBuilder.USER_RO);
        }
        for (int i = 0; i < DATA_PAGES; i++) {
            pages.mapNew(DATA + i * 4096L, X86PageTableBuilder.USER_RW);
        }
        for (int i = 1; i <= STACK_PAGES; i++) {
            pages.mapNew(STACK_TOP - i * 4096L, X86PageTableBuilder.USER_RW);
        }
        byte[] code = program.code();
        if (code.length > 4096) {
            throw new IllegalArgumentException("benchmark program larger than a page");
        }
        for (int i = 0; i < code.length; i++) {
            memory.write8((codeMfn << MachineMemory.PAGE_SHIFT) + i, code[i]);
        }
        this.cpu = new X86Cpu(engine, memory, platform);
        cpu.setCr3(pages.cr3());
    }

    public X86Cpu cpu() {
        return cpu;
    }

    public HypercallPlatform platform() {
        return platform;
    }

    /**
     * Runs the program's loop {@code iterations} times from a clean register state (RBX counts
     * iterations, RSI points at {@link #DATA}, RDI at the program's function, RSP at the stack)
     * and checks that it ended with {@code hlt}.
     */
    public void run(GuestProgram program, long iterations) {
        for (int reg = 0; reg < X86Reg.COUNT; reg++) {
            cpu.setReg(reg, 0);
        }
        cpu.setReg(X86Reg.RBX, iterations);
        cpu.setReg(X86Reg.RSI, DATA);
        cpu.setReg(X86Reg.RDI, CODE + GuestProgram.FUNCTION_OFFSET);
        cpu.setReg(X86Reg.RSP, STACK_TOP);
        cpu.setRip(CODE);
        Object reason = cpu.run();
        if (!"halt".equals(reason)) {
            throw new IllegalStateException(program + " stopped with " + reason + " at rip 0x" + Long.toHexString(cpu.rip()));
        }
    }

    /** What the engine reported about compilations so far. */
    public CompilationLog compilationLog() {
        return new CompilationLog(engineLog.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        engine.close();
        memory.close();
    }
}
