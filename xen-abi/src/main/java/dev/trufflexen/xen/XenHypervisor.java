package dev.trufflexen.xen;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.runtime.X86CodeCache;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.builder.BootImage;
import dev.trufflexen.xen.builder.DomainBuilder;
import dev.trufflexen.xen.builder.ElfImage;
import dev.trufflexen.xen.builder.Ramdisk;
import dev.trufflexen.xen.console.ConsoleIoHypercall;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainBuildException;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.event.EventChannelHypercall;
import dev.trufflexen.xen.event.EventChannels;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.HypercallDispatcher;
import dev.trufflexen.xen.hypercall.HypercallTable;
import dev.trufflexen.xen.hypercall.MulticallHypercall;
import dev.trufflexen.xen.hypercall.PendingWork;
import dev.trufflexen.xen.log.HypervisorConsole;
import dev.trufflexen.xen.log.RateLimitedLog;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.xen.memop.MemoryOpHypercall;
import dev.trufflexen.xen.mm.DomainMemory;
import dev.trufflexen.xen.mm.FrameAudit;
import dev.trufflexen.xen.mm.FramePool;
import dev.trufflexen.xen.mm.FrameRelease;
import dev.trufflexen.xen.mm.FrameTable;
import dev.trufflexen.xen.mm.PageTables;
import dev.trufflexen.xen.mm.GuestFrames;
import dev.trufflexen.xen.mm.MachToPhys;
import dev.trufflexen.xen.pv.CallbackOpHypercall;
import dev.trufflexen.xen.pv.FpuTaskswitchHypercall;
import dev.trufflexen.xen.pv.GetDebugregHypercall;
import dev.trufflexen.xen.pv.IretHypercall;
import dev.trufflexen.xen.pv.PhysdevOpHypercall;
import dev.trufflexen.xen.pv.PvDomain;
import dev.trufflexen.xen.pv.MmuUpdateHypercall;
import dev.trufflexen.xen.pv.MmuextOpHypercall;
import dev.trufflexen.xen.pv.PvMmu;
import dev.trufflexen.xen.pv.UpdateVaMappingHypercall;
import dev.trufflexen.xen.pv.UpdateVaMappingOtherdomainHypercall;
import dev.trufflexen.xen.pv.PvEntry;
import dev.trufflexen.xen.pv.PvVcpu;
import dev.trufflexen.xen.pv.VcpuContext;
import dev.trufflexen.xen.pv.SetCallbacksHypercall;
import dev.trufflexen.xen.pv.SetDebugregHypercall;
import dev.trufflexen.xen.pv.SetSegmentBaseHypercall;
import dev.trufflexen.xen.pv.StackSwitchHypercall;
import dev.trufflexen.xen.pv.SetGdtHypercall;
import dev.trufflexen.xen.pv.UpdateDescriptorHypercall;
import dev.trufflexen.xen.pv.SetTrapTableHypercall;
import dev.trufflexen.xen.pv.VmAssistHypercall;
import dev.trufflexen.xen.pv.XenCpuidLeaves;
import dev.trufflexen.xen.sched.DomainWatchdogs;
import dev.trufflexen.xen.sched.GuestClock;
import dev.trufflexen.xen.sched.HostScheduler;
import dev.trufflexen.xen.sched.HostTimerSlack;
import dev.trufflexen.xen.sched.RunstateArea;
import dev.trufflexen.xen.sched.VcpuTimeArea;
import dev.trufflexen.xen.sched.SchedOpHypercall;
import dev.trufflexen.xen.sched.ShortWaits;
import dev.trufflexen.xen.sched.SchedulerConfig;
import dev.trufflexen.xen.sched.SetTimerOpHypercall;
import dev.trufflexen.xen.sched.VcpuOpHypercall;
import dev.trufflexen.xen.sched.VcpuTimers;
import dev.trufflexen.xen.version.XenVersion;
import dev.trufflexen.xen.version.XenVersionHypercall;

/**
 * The Xen core of one TruffleXen process, and the only class that wires its parts together:
 * machine memory and its frame pool, the M2P table, the one host path into guest frames, the
 * hypercall table and dispatcher, the CPU engine that runs guest code, the hypervisor console,
 * and the domains. Nothing in the core imports this class; each domain gets narrow services
 * when it is built.
 *
 * <p>Tour, bottom up (see docs/ARCHITECTURE.md for the package map):
 * {@code abi} holds Xen's public headers in Java; {@code log} the hypervisor console;
 * {@code mm} machine frames ({@link FramePool}, {@link MachToPhys}, {@link GuestFrames});
 * {@code domain} the {@link Domain} record of parts and its vCPUs; {@code hypercall} the
 * machinery ({@link HypercallDispatcher}, {@code HypercallContext}, {@code XenError}); the
 * subsystems {@code event}, {@code sched}, {@code console}, {@code version} hold their state and
 * their hypercall handlers; {@code pv} is where a PV vCPU's guest code enters the hypervisor
 * ({@link PvEntry}); {@code builder} turns a kernel image into a domain's start-of-day memory;
 * {@code dom0} is the API dom0 services (in the dom0-drivers module) program against.
 */
public final class XenHypervisor implements AutoCloseable {
    /** Xen's version as reported to guests by XENVER_version and XENVER_extraversion. */
    public static final int XEN_MAJOR = XenVersion.XEN_MAJOR;
    public static final int XEN_MINOR = XenVersion.XEN_MINOR;
    public static final String XEN_EXTRAVERSION = XenVersion.XEN_EXTRAVERSION;
    /** The start-of-day record the builder left, kept with each domain. */
    private static final DomainPart<BootImage> BOOT = DomainPart.declare("boot image", BootImage.class);

    /**
     * @param interpreterOnly run guest code without the Graal JIT (slow; for debugging)
     * @param trace keep the last executed instructions of each vCPU for crash reports
     * @param log where hypervisor console lines go as they are written (may be null)
     * @param machineMemoryMiB size of host machine memory shared by all domains
     * @param scheduling the worker threads vCPUs run on and the scheduler that shares them
     */
    public record Options(boolean interpreterOnly, boolean trace, PrintStream log, long machineMemoryMiB,
            SchedulerConfig scheduling) {
        public static final long DEFAULT_MACHINE_MEMORY_MIB = 2048;

        public Options(boolean interpreterOnly, boolean trace, PrintStream log, long machineMemoryMiB) {
            this(interpreterOnly, trace, log, machineMemoryMiB, SchedulerConfig.defaults());
        }

        public Options(boolean interpreterOnly, boolean trace, PrintStream log) {
            this(interpreterOnly, trace, log, DEFAULT_MACHINE_MEMORY_MIB);
        }
    }

    private final Options options;
    private final MachineMemory memory;
    private final FramePool framePool;
    private final MachToPhys m2p;
    private final HypervisorConsole console;
    private final GuestFrames guestFrames;
    private final PageTables pageTables;
    private final HypercallDispatcher hypercalls;
    private final X86Engine engine;
    private final X86CodeCache codeCache;
    private final Map<Integer, Domain> domains = new ConcurrentHashMap<>();
    /** The timer thread: vCPU timers expire here, raising VIRQ_TIMER (see {@link VcpuTimers}). */
    private final ScheduledThreadPoolExecutor timers = timerThread();
    /** The worker threads every domain's vCPUs are multiplexed onto, and their scheduler. */
    private final HostScheduler scheduler;
    private int nextDomid = 1;

    private XenHypervisor(Options options, Map<String, String> engineOptions, OutputStream engineLog) {
        this.options = options;
        this.console = new HypervisorConsole(options.log());
        this.engine = X86Engine.create(options.interpreterOnly(), options.trace(), engineOptions, engineLog);
        this.memory = new MachineMemory(options.machineMemoryMiB() << 8);
        this.codeCache = engine.codeCache(memory);
        // The code cache's own lock-free test first: most frames changing hands never held code.
        this.framePool = new FramePool(memory, mfn -> {
            if (codeCache.holdsCode(mfn)) {
                codeCache.invalidateFrame(mfn);
            }
        });
        this.m2p = new MachToPhys(framePool);
        this.guestFrames = new GuestFrames(framePool, m2p, codeCache);
        this.pageTables = new PageTables(guestFrames, m2p);
        framePool.frameTable().attach(pageTables, new DomainTlbs());
        this.hypercalls = new HypercallDispatcher(standardHypercalls(console), console);
        this.scheduler = new HostScheduler(options.scheduling(), timers);
        hypercalls.afterEveryHypercall(XenHypervisor::returnToGuest);
        console.log(String.format("TruffleXen %d.%d%s: %d MiB machine memory, CPU on %s, %d pCPUs, %s scheduler",
                XEN_MAJOR, XEN_MINOR, XEN_EXTRAVERSION, options.machineMemoryMiB(),
                dev.trufflexen.x86.TruffleRuntimeCheck.runtimeName(), options.scheduling().pcpus(),
                options.scheduling().kind().name().toLowerCase()));
    }

    /** The table with every hypercall TruffleXen implements, each handler beside its subsystem. */
    private static HypercallTable standardHypercalls(HypervisorConsole console) {
        RateLimitedLog guestLog = new RateLimitedLog(console, 10, 5_000_000_000L);
        return new HypercallTable(List.of(new ConsoleIoHypercall(), new XenVersionHypercall(),
                new FpuTaskswitchHypercall(), new SchedOpHypercall(guestLog), new EventChannelHypercall(),
                new SetTrapTableHypercall(), new IretHypercall(), new CallbackOpHypercall(), new SetCallbacksHypercall(),
                new SetSegmentBaseHypercall(), new StackSwitchHypercall(), new SetGdtHypercall(), new UpdateDescriptorHypercall(),
                new PhysdevOpHypercall(), new VmAssistHypercall(), new SetDebugregHypercall(),
                new GetDebugregHypercall(), new MulticallHypercall(), new VcpuOpHypercall(VcpuContext::initialise),
                new SetTimerOpHypercall(), new MmuUpdateHypercall(), new MmuextOpHypercall(), new UpdateVaMappingHypercall(),
                new UpdateVaMappingOtherdomainHypercall(), new MemoryOpHypercall()));
    }

    /** The timer thread's executor (package-private for its test). */
    static ScheduledThreadPoolExecutor timerThread() {
        var executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(() -> {
                HostTimerSlack.tightenCallingThread(); // it fires guest timers while every worker is busy
                task.run();
            }, "xen-timers");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** The domains' vCPU TLBs, as the frame table asks for them to be flushed. */
    private final class DomainTlbs implements FrameTable.TlbFlush {
        @Override
        public long clock() {
            return X86Mmu.flushClock();
        }

        @Override
        public void flushIfOlder(int domid, long stamp) {
            Domain domain = domains.get(domid);
            if (domain == null) {
                return;
            }
            for (Vcpu vcpu : domain.vcpus()) {
                X86Cpu cpu = vcpu.cpu();
                if (cpu != null && cpu.mmu().lastFullFlush() <= stamp) {
                    PvMmu.of(domain).requestFlush();
                    return;
                }
            }
        }
    }

    /**
     * What Xen's return path to a PV guest does after every hypercall, in its order: a dying
     * domain leaves, a TLB flush asked for meanwhile is done, and a pending upcall is bounced.
     * One piece of work rather than three, so the dispatcher's call to it sees one target.
     */
    private static void returnToGuest(HypercallContext context) {
        leaveGuestWhenDying(context);
        PvMmu.of(context.domain()).flushIfRequested(context.cpu());
        PvEntry.deliverEventsAfterHypercall(context);
    }

    /** A dying domain's vCPU leaves guest code. */
    private static void leaveGuestWhenDying(HypercallContext context) {
        Domain domain = context.domain();
        if (domain.isDying()) {
            context.cpu().requestExit(domain.shutdownReasonOrCrash());
        }
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

    /** The translated code of every domain on this host (shared between domains running the same kernel). */
    public X86CodeCache codeCache() {
        return codeCache;
    }

    /** The one path for host writes into guest frames. */
    public GuestFrames guestFrames() {
        return guestFrames;
    }

    /** The PV page-table rules over the frame table (for audits and tests). */
    public PageTables pageTables() {
        return pageTables;
    }

    /**
     * The PV MMU invariant checker over a domain (see {@link FrameAudit}): its frames' counts and
     * types against its page tables, its vCPUs' base tables and their TLBs. Empty when all holds.
     * Call it while the domain's vCPUs are stopped.
     */
    public List<String> auditMmu(Domain domain) {
        java.util.stream.LongStream.Builder bases = java.util.stream.LongStream.builder();
        java.util.stream.LongStream.Builder descriptorPages = java.util.stream.LongStream.builder();
        for (Vcpu vcpu : domain.vcpus()) {
            PvVcpu pv = PvEntry.of(vcpu).pvVcpu();
            bases.add(pv.kernelTableMfn()).add(pv.userTableMfn());
            java.util.Arrays.stream(pv.descriptorTables().gdtFrames()).forEach(descriptorPages::add);
        }
        FrameAudit audit = new FrameAudit(pageTables);
        List<String> findings = new java.util.ArrayList<>(audit.audit(domain.id(), bases.build().toArray(),
                descriptorPages.build().toArray(), domain.vcpu0().cpu().mmu()));
        for (Vcpu vcpu : domain.vcpus().subList(1, domain.maxVcpus())) {
            findings.addAll(audit.auditTlb(domain.id(), vcpu.cpu().mmu()));
        }
        return findings;
    }

    /** The checker after {@code domid} was released: every frame back in the pool, none leaked. */
    public List<String> auditReleased(int domid) {
        return new FrameAudit(pageTables).released(domid, guestFrames);
    }

    /**
     * The scheduler: what each vCPU was given, preemption and wake-up delays. A domain's
     * parameters are its {@link Domain#schedulingParameters}, read at each accounting.
     */
    public HostScheduler scheduler() {
        return scheduler;
    }

    /** The live domains, in id order. */
    public List<Domain> domains() {
        return domains.values().stream().sorted(java.util.Comparator.comparingInt(Domain::id)).toList();
    }

    /**
     * What the host holds beyond the frame pool, for the invariant checker after domains are
     * released: timers armed, translated code regions (references to compiled guest code), live
     * domains. All zero once every domain is released.
     */
    public record HeldResources(int liveDomains, int pendingTimers, int codeRegions) {
    }

    public HeldResources heldResources() {
        return new HeldResources(domains.size(), timers.getQueue().size(), codeCache.liveRegions());
    }

    /** The hypercall table. */
    public HypercallTable hypercallTable() {
        return hypercalls.table();
    }

    /** Adds work that runs after every hypercall of every domain, before the guest resumes. */
    public void afterEveryHypercall(PendingWork work) {
        hypercalls.afterEveryHypercall(work);
    }

    /** Makes every hypercall note when it began, for work after it that times it ({@code HypercallContext.startNanos}). */
    public void timeEveryHypercall() {
        hypercalls.timeEveryHypercall();
    }

    /**
     * A domain's share of machine memory, for the toolstack: tot_pages, max_pages
     * ({@link DomainMemory#setMaxPages}, xl's mem-max) and the balloon target
     * ({@link DomainMemory#setTargetPages}, xl's mem-set).
     */
    public DomainMemory memoryOf(Domain domain) {
        return domain.part(MemoryOpHypercall.MEMORY);
    }

    /** What the domain builder left for {@code domain}: its start-of-day layout. */
    public BootImage bootImage(Domain domain) {
        return domain.part(BOOT);
    }

    /** The PV entry (the CPU's platform) of a domain's vCPU 0. */
    public PvEntry pvEntry(Domain domain) {
        return (PvEntry) domain.vcpu0().cpu().platform();
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
            Domain.Frames frames = new Domain.Frames(boot.p2m(), boot.sharedInfoMfn(), boot.consoleMfn(), boot.xenstoreMfn());
            Domain.Services services = new Domain.Services(console, guestFrames, this::domain, scheduler,
                    () -> domains.remove(domid));
            domain = new Domain(domid, spec, frames, storePort, consolePort, XenCpuidLeaves.forPvDomain(memory.size()),
                    services);
            domain.attach(BOOT, boot);
            domain.attach(EventChannels.PART, channels);
            domain.attach(PvDomain.PART, new PvDomain());
            for (int type = 0; type < Long.SIZE; type++) {
                if ((boot.vmAssists() & 1L << type) != 0) {
                    domain.setVmAssist(type, true);
                }
            }
            domain.onStop(() -> EventChannels.closeAll(domain));
            domain.attach(VcpuTimers.PART, VcpuTimers.forVcpus(domain, scheduler));
            domain.attach(RunstateArea.PART, RunstateArea.forVcpus(domain));
            domain.attach(VcpuTimeArea.PART, new VcpuTimeArea());
            domain.attach(ShortWaits.PART, new ShortWaits());
            domain.attach(DomainWatchdogs.PART, new DomainWatchdogs(domain, timers));
            scheduler.attach(domain);
            GuestClock.publish(domain);
            PvMmu mmu = new PvMmu(domain, pageTables);
            domain.attach(PvMmu.PART, mmu);
            domain.attach(MemoryOpHypercall.MEMORY, domainMemory(domid, spec, boot));
            for (Vcpu vcpu : domain.vcpus()) {
                PvEntry entry = new PvEntry(vcpu, hypercalls);
                vcpu.attach(new X86Cpu(engine, memory, entry));
                domain.onStop(() -> {
                    mmu.releaseBaseTables(entry.pvVcpu());
                    entry.pvVcpu().descriptorTables().releaseGdt();
                });
            }
            mmu.adoptBootTable(pvEntry(domain).pvVcpu(), boot.l4Mfn());
            setInitialRegisters(domain.vcpu0().cpu(), boot);
        } catch (RuntimeException e) {
            guestFrames.releaseDomain(domid, boot.p2m());
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

    /**
     * A new domain's share of memory as xl sets it: max_pages is its memory plus libxl's 1 MiB
     * slack, its balloon target its memory, and its E820 one RAM entry of its memory
     * (xc_domain_set_memmap_limit).
     */
    private DomainMemory domainMemory(int domid, DomainSpec spec, BootImage boot) {
        long pages = boot.p2m().length;
        DomainMemory memory = new DomainMemory(domid, framePool, m2p, new FrameRelease(framePool.frameTable()),
                pages + DomainMemory.MAXMEM_SLACK_PAGES, boot.sharedInfoMfn());
        memory.setTargetPages(pages);
        memory.setMemoryMap(MemoryOpHypercall.ramMap(spec.memoryMiB() << 20));
        return memory;
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

    @Override
    public void close() {
        for (Domain domain : domains.values()) {
            domain.destroy();
            domain.release();
        }
        scheduler.close();
        timers.shutdownNow();
        engine.close();
        memory.close();
    }
}
