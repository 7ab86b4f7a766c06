package dev.trufflexen.xen.core;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.builder.BootImage;
import dev.trufflexen.xen.builder.DomainBuilder;
import dev.trufflexen.xen.builder.ElfImage;
import dev.trufflexen.xen.builder.Ramdisk;
import dev.trufflexen.xen.hypercall.HypercallTable;

/**
 * The Xen core of one TruffleXen process: machine memory and its frame pool, the M2P table, the
 * hypercall table, the CPU engine that runs guest code, the hypervisor console, and the domains.
 *
 * <p>Tour: {@link dev.trufflexen.xen.builder.DomainBuilder} turns a kernel image into a domain's
 * start-of-day memory; {@link XenVcpu} is where guest code enters the hypervisor;
 * {@link HypercallTable} maps hypercall numbers to handlers in {@code dev.trufflexen.xen.hypercall};
 * {@link Domain} holds a running domain and its life cycle. Dom0 services (console, xenstore,
 * block and network backends) live in the dom0-drivers module and attach to domains from outside.
 */
public final class XenHypervisor implements AutoCloseable {
    /** Xen's version as reported to guests by XENVER_version and XENVER_extraversion. */
    public static final int XEN_MAJOR = 4;
    public static final int XEN_MINOR = 19;
    public static final String XEN_EXTRAVERSION = ".0-trufflexen";

    /**
     * @param interpreterOnly run guest code without the Graal JIT (slow; for debugging)
     * @param trace keep the last executed instructions of each vCPU for crash reports
     * @param log where hypervisor console lines go as they are written (may be null)
     * @param machineMemoryMiB size of host machine memory shared by all domains
     */
    public record Options(boolean interpreterOnly, boolean trace, PrintStream log, long machineMemoryMiB) {
        public static final long DEFAULT_MACHINE_MEMORY_MIB = 2048;

        public Options(boolean interpreterOnly, boolean trace, PrintStream log) {
            this(interpreterOnly, trace, log, DEFAULT_MACHINE_MEMORY_MIB);
        }
    }

    private final Options options;
    private final MachineMemory memory;
    private final FramePool framePool;
    private final MachToPhys m2p;
    private final HypervisorConsole console;
    private final HypercallTable hypercalls;
    private final X86Engine engine;
    private final Map<Integer, Domain> domains = new ConcurrentHashMap<>();
    private int nextDomid = 1;

    private XenHypervisor(Options options, Map<String, String> engineOptions, OutputStream engineLog) {
        this.options = options;
        this.console = new HypervisorConsole(options.log());
        this.engine = X86Engine.create(options.interpreterOnly(), options.trace(), engineOptions, engineLog);
        this.memory = new MachineMemory(options.machineMemoryMiB() << 8);
        this.framePool = new FramePool(memory);
        this.m2p = new MachToPhys(framePool);
        this.hypercalls = HypercallTable.standard(console);
        console.log(String.format("TruffleXen %d.%d%s: %d MiB machine memory, CPU on %s", XEN_MAJOR, XEN_MINOR,
                XEN_EXTRAVERSION, options.machineMemoryMiB(), dev.trufflexen.x86.TruffleRuntimeCheck.runtimeName()));
    }

    /**
     * Starts a hypervisor.
     *
     * @throws IllegalStateException when the Graal JIT is not active and interpreterOnly is false
     */
    public static XenHypervisor create(Options options) {
        return new XenHypervisor(options, Map.of(), null);
    }

    /**
     * Starts a hypervisor whose CPU engine gets extra Truffle engine options (e.g.
     * {@code engine.TraceCompilation=true}) and sends the engine's log (compilation traces,
     * performance warnings) to {@code engineLog} (standard error when null). For benchmarks and
     * compilation tests.
     *
     * @throws IllegalStateException when the Graal JIT is not active and interpreterOnly is false
     */
    public static XenHypervisor create(Options options, Map<String, String> engineOptions, OutputStream engineLog) {
        return new XenHypervisor(options, Map.copyOf(engineOptions), engineLog);
    }

    public Options options() {
        return options;
    }

    public HypervisorConsole console() {
        return console;
    }

    public FramePool framePool() {
        return framePool;
    }

    public MachToPhys m2p() {
        return m2p;
    }

    public MachineMemory memory() {
        return memory;
    }

    public Optional<Domain> domain(int domid) {
        return Optional.ofNullable(domains.get(domid));
    }

    /**
     * Builds a PV domain from {@code spec}; it is ready to {@link Domain#run}.
     *
     * @throws DomainBuildException with a user-facing message when the image or spec is unusable
     */
    public Domain createDomain(DomainSpec spec) {
        long memoryBytes = spec.memoryMiB() << 20;
        ElfImage kernel = DomainBuilder.readKernel(spec.kernel(), memoryBytes);
        Ramdisk ramdisk = readRamdisk(spec.ramdisk(), memoryBytes);
        int domid = allocateDomid();
        EventChannels channels = new EventChannels();
        int storePort = channels.allocUnbound(0);
        int consolePort = channels.allocUnbound(0);
        BootImage boot = new DomainBuilder(framePool, m2p).build(domid, kernel, ramdisk, spec.memoryMiB(),
                spec.cmdline(), storePort, consolePort);
        Domain domain;
        try {
            domain = new Domain(this, domid, spec, boot, storePort, consolePort, channels, hypercalls);
            XenVcpu vcpu0 = domain.vcpu0();
            X86Cpu cpu = new X86Cpu(engine, memory, vcpu0);
            vcpu0.attach(cpu);
            setInitialRegisters(cpu, boot);
        } catch (RuntimeException e) {
            framePool.freeAllOwnedBy(domid);
            throw e;
        }
        domains.put(domid, domain);
        for (String notice : boot.notices()) {
            console.log("d" + domid + ": " + notice);
        }
        console.log(String.format("Domain %d (%s) built: %d MiB, kernel %s, entry %#x, virt_base %#x, "
                + "%d pages mapped at boot", domid, spec.name(), spec.memoryMiB(), spec.kernel().getFileName(),
                boot.entry(), boot.virtBase(), boot.mappedPages()));
        return domain;
    }

    private static Ramdisk readRamdisk(Optional<java.nio.file.Path> ramdisk, long memoryBytes) {
        if (ramdisk.isEmpty()) {
            return Ramdisk.NONE;
        }
        try {
            return Ramdisk.of(ramdisk.get().toString(), Files.readAllBytes(ramdisk.get()), memoryBytes);
        } catch (IOException e) {
            throw new DomainBuildException(ramdisk.get() + ": cannot read ramdisk: " + e.getMessage());
        }
    }

    /** The initial vCPU state of a 64-bit PV guest, as Xen's builder sets it. */
    private static void setInitialRegisters(X86Cpu cpu, BootImage boot) {
        for (int reg = 0; reg < X86Reg.COUNT; reg++) {
            cpu.setReg(reg, 0);
        }
        cpu.setRip(boot.entry());
        cpu.setReg(X86Reg.RSP, boot.stackTop());
        cpu.setReg(X86Reg.RSI, boot.startInfoVirt());
        cpu.setRflags(X86Pv.X86_EFLAGS_IF);
        cpu.setSegment(X86Segment.CS, X86Pv.FLAT_KERNEL_CS64);
        cpu.setSegment(X86Segment.SS, X86Pv.FLAT_KERNEL_SS64);
        cpu.setSegment(X86Segment.DS, X86Pv.FLAT_KERNEL_DS64);
        cpu.setSegment(X86Segment.ES, X86Pv.FLAT_KERNEL_DS64);
        cpu.setSegment(X86Segment.FS, X86Pv.FLAT_KERNEL_DS64);
        cpu.setSegment(X86Segment.GS, X86Pv.FLAT_KERNEL_DS64);
        cpu.setCr3(boot.l4Mfn() << MachineMemory.PAGE_SHIFT);
    }

    private synchronized int allocateDomid() {
        return nextDomid++;
    }

    void forget(Domain domain) {
        domains.remove(domain.id());
    }

    @Override
    public void close() {
        for (Domain domain : domains.values()) {
            domain.destroy();
            domain.release();
        }
        engine.close();
        memory.close();
    }
}
