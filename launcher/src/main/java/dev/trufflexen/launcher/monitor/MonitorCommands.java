package dev.trufflexen.launcher.monitor;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import dev.trufflexen.launcher.debug.CompilationTrace;
import dev.trufflexen.launcher.debug.DebugException;
import dev.trufflexen.launcher.debug.DebuggedDomain;
import dev.trufflexen.launcher.debug.DomainDebugger;
import dev.trufflexen.launcher.debug.DomainDebugger.Access;
import dev.trufflexen.launcher.debug.DomainDebugger.BreakKind;
import dev.trufflexen.launcher.debug.ElfSymbols;
import dev.trufflexen.launcher.debug.GuestProfiler;
import dev.trufflexen.launcher.debug.HypercallCounts;
import dev.trufflexen.launcher.gdb.GdbStub;
import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86DebugStop;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Disassembler;
import dev.trufflexen.x86.runtime.X86CodeCache;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.event.EventChannels;
import dev.trufflexen.xen.sched.VcpuTimers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The monitor's commands, declared once: picocli builds help, completion candidates and
 * argument errors from these declarations ({@link Monitor} runs them). Names and format
 * letters are QEMU's where QEMU has the command; pause, unpause and destroy are xl's.
 */
@Command(name = "", description = "TruffleXen monitor")
final class MonitorCommands {
    /** What {@code info} shows. */
    enum InfoTopic { domains, vcpus, registers, mem, tlb, events, timers, hypercalls, regions, frames, breakpoints }

    private static final int MAX_TLB_LINES = 4096;
    private final DebuggedDomain target;
    private final Monitor monitor;

    MonitorCommands(DebuggedDomain target, Monitor monitor) {
        this.target = target;
        this.monitor = monitor;
    }

    private PrintWriter out() {
        return monitor.out();
    }

    private DomainDebugger debugger() {
        return target.debugger();
    }

    private <T> T stopped(java.util.function.Supplier<T> inspection) {
        return debugger().whileStopped(inspection);
    }

    private long eval(String expression) {
        return Expression.evaluate(expression, debugger().cpu(), target.symbols());
    }

    @Command(name = "help", aliases = "?", description = "List the commands, or describe one: help [COMMAND].")
    void help(@Parameters(arity = "0..1", paramLabel = "COMMAND") String command) {
        monitor.printHelp(command);
    }

    @Command(name = "info", description = "Show state: domains, vcpus, registers [-a], mem, tlb, events, timers, "
            + "hypercalls, regions, frames, breakpoints.")
    void info(@Parameters(paramLabel = "WHAT", completionCandidates = InfoTopics.class) String what,
            @Option(names = "-a", description = "with registers: also x87, SSE and control state") boolean all) {
        InfoTopic topic;
        try {
            topic = InfoTopic.valueOf(what);
        } catch (IllegalArgumentException e) {
            throw new DebugException("'" + what + "': unknown info topic; one of " + java.util.Arrays.toString(InfoTopic.values()));
        }
        switch (topic) {
            case domains -> out().printf("%-4s %-20s %s%n%-4d %-20s %s%n", "id", "name", "state",
                    target.domain().id(), target.domain().name(), state());
            case vcpus -> stopped(() -> {
                for (var vcpu : target.domain().vcpus()) {
                    out().printf("%svcpu %d: rip %s  %s%s%n", vcpu.id() == debugger().selectedVcpu() ? "* " : "  ", vcpu.id(),
                            target.address(vcpu.cpu().rip()), vcpu.inKernelMode() ? "kernel mode" : "user mode",
                            vcpu.isDown() ? " (down)" : "");
                }
                return null;
            });
            case registers -> stopped(() -> {
                printRegisters(debugger().cpu(), all);
                return null;
            });
            case mem -> stopped(() -> {
                for (GuestMemoryView.Mapping m : GuestMemoryView.ranges(GuestMemoryView.mappings(debugger().cpu(), 1 << 22))) {
                    out().printf("%016x-%016x %016x %s%n", m.virtual(), m.virtual() + m.size(), m.size(), m.permissions());
                }
                return null;
            });
            case tlb -> stopped(() -> {
                List<GuestMemoryView.Mapping> pages = GuestMemoryView.mappings(debugger().cpu(), MAX_TLB_LINES + 1);
                for (GuestMemoryView.Mapping m : pages.subList(0, Math.min(pages.size(), MAX_TLB_LINES))) {
                    out().printf("%016x: machine %012x %s%n", m.virtual(), m.machine(), m.permissions());
                }
                if (pages.size() > MAX_TLB_LINES) {
                    out().println("(first " + MAX_TLB_LINES + " mappings shown)");
                }
                return null;
            });
            case events -> printEvents();
            case timers -> {
                for (var vcpu : target.domain().vcpus()) {
                    out().println("vcpu " + vcpu.id() + ": " + VcpuTimers.of(vcpu).describe());
                }
            }
            case hypercalls -> {
                Map<String, HypercallCounts.Tally> counts = target.hypercalls().snapshot();
                out().printf("%-28s %12s %12s %10s%n", "hypercall (sub-op)", "count", "total us", "mean ns");
                counts.forEach((name, t) -> out().printf("%-28s %12d %12d %10d%n", name, t.count(), t.nanos() / 1000,
                        t.meanNanos()));
            }
            case regions -> printRegions();
            case frames -> printFrames();
            case breakpoints -> printBreakpoints();
        }
    }

    private String state() {
        if (target.domain().isDying()) {
            return "stopped (" + target.domain().shutdownReason().name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
        return debugger().isStopped() ? "paused" : "running";
    }

    private void printRegisters(X86Cpu cpu, boolean all) {
        for (int i = 0; i < 16; i += 4) {
            StringBuilder line = new StringBuilder();
            for (int j = i; j < i + 4; j++) {
                String name = Registers.names().get(j);
                line.append(String.format("%-3s=%016x ", name.toUpperCase(java.util.Locale.ROOT), cpu.reg(j)));
            }
            out().println(line.toString().stripTrailing());
        }
        out().printf("RIP=%s RFL=%08x%n", target.address(cpu.rip()), cpu.rflags());
        StringBuilder segments = new StringBuilder();
        for (int s = 0; s < X86Segment.COUNT; s++) {
            segments.append(String.format("%s=%04x ", X86Segment.name(s).toUpperCase(java.util.Locale.ROOT), cpu.segment(s)));
        }
        out().println(segments.toString().stripTrailing());
        out().printf("FS_BASE=%016x GS_BASE=%016x CR2=%016x CR3=%016x%n", cpu.fsBase(), cpu.gsBase(), cpu.cr2(), cpu.cr3());
        if (all) {
            out().printf("FCW=%04x FSW=%04x FTW=%04x MXCSR=%08x%n", cpu.fpu().controlWord(), cpu.fpu().statusWord(),
                    cpu.fpu().tagWord(), cpu.fpu().mxcsr());
            for (int i = 0; i < 8; i++) {
                out().printf("ST%d=%04x %016x%n", i, cpu.fpu().signExponent(i) & 0xFFFF, cpu.fpu().significand(i));
            }
            for (int i = 0; i < 16; i++) {
                out().printf("XMM%02d=%016x%016x%n", i, cpu.fpu().xmm(i, 1), cpu.fpu().xmm(i, 0));
            }
        }
    }

    private void printEvents() {
        EventChannels channels = target.domain().part(EventChannels.PART);
        long shared = target.domain().sharedInfoMfn();
        out().printf("%-6s %-36s %-7s %s%n", "port", "binding", "pending", "masked");
        for (int port = 1; port <= channels.maxPort(); port++) {
            String binding = channels.describe(port);
            if (binding != null) {
                boolean masked = (target.domain().frames().read64(shared, SharedInfo.OFF_EVTCHN_MASK + port / 64 * 8)
                        & 1L << (port % 64)) != 0;
                out().printf("%-6d %-36s %-7s %s%n", port, binding, EventChannels.isPending(target.domain(), port) ? "yes" : "no",
                        masked ? "yes" : "no");
            }
        }
        var vcpu = target.domain().vcpu0();
        out().printf("vcpu 0: upcall_pending %d, upcall_mask %d%n",
                target.domain().frames().read8(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING),
                target.domain().frames().read8(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK));
    }

    private void printRegions() {
        X86CodeCache cache = debugger().cpu().codeCache();
        List<X86CodeCache.RegionInfo> regions = cache.regions();
        out().printf("%d live regions; %d built, %d invalidated (self-modifying code, breakpoints), %d interpreted-only%n",
                regions.size(), cache.regionsBuilt(), cache.regionsInvalidated(), cache.interpretedRegionsBuilt());
        CompilationTrace trace = target.compilations();
        for (X86CodeCache.RegionInfo r : regions) {
            out().printf("%s  %5d bytes on %d page%s, machine %012x%s%s%n", target.address(r.entryRip()), r.bytes(), r.pages(),
                    r.pages() == 1 ? "" : "s", r.entryMachine(), r.executions() < 0 ? "" : "; executed " + r.executions() + "x",
                    trace == null ? "" : "; " + describe(trace.region(r.entryRip())));
        }
    }

    /** What the JIT did with a region: compiled (how often, how long, how much code) or interpreted, and its code lost. */
    private static String describe(CompilationTrace.RegionStats s) {
        String compiled = s.compilations() == 0 ? "interpreted"
                : String.format("compiled %dx in %d ms, %d bytes of code", s.compilations(), s.millis(), s.codeBytes());
        return compiled + (s.deoptimizations() + s.invalidations() + s.failures() == 0 ? ""
                : String.format(", %d deopt, %d invalidated, %d failed", s.deoptimizations(), s.invalidations(), s.failures()));
    }

    private void printFrames() {
        var domain = target.domain();
        long[] p2m = domain.memory().p2m();
        out().printf("%d frames (%d MiB); shared_info mfn %x, console mfn %x, xenstore mfn %x%n", p2m.length,
                p2m.length >> 8, domain.sharedInfoMfn(), domain.consoleMfn(), domain.xenstoreMfn());
        int start = 0;
        for (int pfn = 1; pfn <= p2m.length; pfn++) {
            if (pfn == p2m.length || p2m[pfn] != p2m[pfn - 1] + 1) {
                out().printf("pfn %6x-%6x -> mfn %8x-%8x%n", start, pfn - 1, p2m[start], p2m[pfn - 1]);
                start = pfn;
            }
        }
    }

    private void printBreakpoints() {
        if (debugger().breakpoints().isEmpty() && debugger().watchpoints().isEmpty()) {
            out().println("no breakpoints or watchpoints");
        }
        for (DomainDebugger.Breakpoint b : debugger().breakpoints()) {
            out().printf("%-3d %-10s %s%n", b.id(), b.kind() == BreakKind.TEMPORARY ? "tbreak" : "breakpoint", target.address(b.address()));
        }
        for (DomainDebugger.Watchpoint w : debugger().watchpoints()) {
            out().printf("%-3d %-10s %s len %d %s%n", w.id(), "watchpoint", target.address(w.address()), w.length(),
                    w.access().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Command(name = "x", description = "Dump guest-virtual memory: x/FMT ADDR (FMT: count, format x d u o c i, size b h w g).")
    void examine(@Parameters(arity = "1..2", paramLabel = "/FMT ADDR") List<String> args) {
        dump(args, false);
    }

    @Command(name = "xp", description = "Dump pseudo-physical memory: xp/FMT ADDR.")
    void examinePhysical(@Parameters(arity = "1..2", paramLabel = "/FMT ADDR") List<String> args) {
        dump(args, true);
    }

    private void dump(List<String> args, boolean physical) {
        MemoryFormat format = args.getFirst().startsWith("/") ? MemoryFormat.parse(args.getFirst().substring(1)) : MemoryFormat.DEFAULT;
        List<String> rest = args.getFirst().startsWith("/") ? args.subList(1, args.size()) : args;
        if (rest.size() != 1) {
            throw new DebugException("expected one address after " + (physical ? "xp" : "x") + "/FMT");
        }
        stopped(() -> {
            long address = eval(rest.getFirst());
            byte[] data = new byte[format.bytes()];
            boolean ok = physical
                    ? GuestMemoryView.readPhysical(debugger().cpu().memory(), target.domain().memory().p2m(), address, data)
                    : debugger().cpu().copyFromGuest(address, data, 0, data.length);
            if (!ok) {
                throw new DebugException("'" + rest.getFirst() + "': address 0x" + Long.toHexString(address) + " is not "
                        + (physical ? "in the domain's memory" : "mapped"));
            }
            format.print(out(), address, data, target);
            return null;
        });
    }

    @Command(name = "disas", description = "Disassemble N instructions (default 10) at ADDR (default rip).")
    void disassemble(@Parameters(arity = "0..1", paramLabel = "ADDR") String address,
            @Parameters(arity = "0..1", paramLabel = "N", index = "1") Integer count) {
        stopped(() -> {
            long at = address == null ? debugger().cpu().rip() : eval(address);
            MemoryFormat.disassemble(out(), debugger().cpu(), at, count == null ? 10 : Math.min(count, 1000), target);
            return null;
        });
    }

    @Command(name = "cpu", description = "Choose the vCPU whose registers the commands show, set and step (QEMU's cpu).")
    void cpu(@Parameters(paramLabel = "N") int vcpu) {
        if (!debugger().select(vcpu)) {
            throw new DebugException("'" + vcpu + "': the domain has vCPUs 0-" + (target.domain().vcpus().size() - 1));
        }
    }

    @Command(name = "stop", aliases = "pause", description = "Stop the domain's vCPUs (xl: pause).")
    void stop() {
        if (target.domain().isPausedByController() && !debugger().isStopped()) {
            throw new DebugException("domain " + target.domain().id() + " is paused by the toolstack: inspect it as it is, "
                    + "or 'xl unpause' it before stopping it here");
        }
        X86DebugStop stop = debugger().pause();
        if (stop == null) {
            throw new DebugException("domain " + target.domain().id() + " did not stop" + (target.domain().isDying() ? ": it is gone" : ""));
        }
        out().println("stopped at " + target.address(debugger().cpu().rip()));
    }

    @Command(name = "cont", aliases = {"c", "unpause"}, description = "Resume the domain (in a script: wait for its next stop).")
    void cont() {
        requireAlive();
        long before = debugger().resumeAsync(false);
        if (monitor.scripted()) {
            awaitStop(before);
        }
    }

    private void awaitStop(long before) {
        X86DebugStop stop = null;
        while (stop == null && !target.domain().isDying() && !monitor.interrupted()) {
            stop = debugger().awaitStopAfter(before, 200);
        }
        if (stop != null) {
            String line = monitor.describe(stop);
            if (!line.isEmpty()) {
                out().println(line);
            }
        } else if (target.domain().isDying()) {
            out().println("domain " + target.domain().name() + " stopped: " + target.domain().shutdownReason().name().toLowerCase(java.util.Locale.ROOT));
        } else {
            out().println("interrupted; the domain runs on");
        }
    }

    @Command(name = "step", aliases = {"stepi", "si"}, description = "Run N instructions (default 1), then stop.")
    void step(@Parameters(arity = "0..1", paramLabel = "N") Integer count) {
        requireStopped();
        int n = count == null ? 1 : count;
        for (int i = 0; i < n && !monitor.interrupted(); i++) {
            if (debugger().step() == null) {
                throw stepFailed();
            }
        }
        MemoryFormat.disassemble(out(), debugger().cpu(), debugger().cpu().rip(), 1, target);
    }

    /** Why a step did not stop: the domain died, or the vCPU did not finish its instruction in time (with its state). */
    private DebugException stepFailed() {
        if (target.domain().isDying()) {
            return new DebugException("the domain is gone");
        }
        int id = debugger().selectedVcpu();
        var vcpu = target.domain().vcpus().get(id);
        String[] states = {"running", "runnable", "blocked", "offline"};
        int state = vcpu.runstate().snapshot().state();
        return new DebugException("vCPU " + id + " did not stop after its step (runstate "
                + (state >= 0 && state < states.length ? states[state] : Integer.toString(state))
                + (vcpu.isPaused() ? ", paused" : "") + (vcpu.isRunning() ? ", in guest code" : "") + ")");
    }

    @Command(name = "next", aliases = "n", description = "Step one instruction, over a call.")
    void next() {
        requireStopped();
        X86Cpu cpu = debugger().cpu();
        byte[] code = new byte[16];
        if (cpu.copyFromGuest(cpu.rip(), code, 0, 16)) {
            X86Disassembler.Disassembly insn = X86Disassembler.disassemble(code, 0, cpu.rip());
            if (insn.text().startsWith("call")) {
                long after = cpu.rip() + insn.length();
                boolean existed = debugger().breakpoints().stream().anyMatch(b -> b.address() == after);
                debugger().insertBreakpoint(after, BreakKind.TEMPORARY);
                long before = debugger().resumeAsync(false);
                awaitStop(before);
                if (existed) {
                    debugger().insertBreakpoint(after, BreakKind.SOFTWARE);
                }
                if (debugger().isStopped()) {
                    MemoryFormat.disassemble(out(), cpu, cpu.rip(), 1, target);
                }
                return;
            }
        }
        step(1);
    }

    @Command(name = "break", aliases = "b", description = "Stop before the instruction at ADDR.")
    void breakAt(@Parameters(paramLabel = "ADDR") String address) {
        addBreakpoint(address, BreakKind.SOFTWARE);
    }

    @Command(name = "tbreak", description = "Stop once before the instruction at ADDR.")
    void temporaryBreak(@Parameters(paramLabel = "ADDR") String address) {
        addBreakpoint(address, BreakKind.TEMPORARY);
    }

    private void addBreakpoint(String address, BreakKind kind) {
        DomainDebugger.Breakpoint b = stopped(() -> debugger().insertBreakpoint(eval(address), kind));
        out().printf("%s %d at %s%n", kind == BreakKind.TEMPORARY ? "temporary breakpoint" : "breakpoint", b.id(), target.address(b.address()));
    }

    @Command(name = "watch", description = "Stop after an access to LEN bytes (1, 2, 4, 8; default 8) at ADDR: r, w (default) or rw.")
    void watch(@Parameters(paramLabel = "ADDR", index = "0") String address,
            @Parameters(paramLabel = "LEN", index = "1", arity = "0..1") Integer length,
            @Parameters(paramLabel = "r|w|rw", index = "2", arity = "0..1") String access) {
        Access kind = switch (access == null ? "w" : access) {
            case "w" -> Access.WRITE;
            case "r" -> Access.READ;
            case "rw" -> Access.ACCESS;
            default -> throw new DebugException("'" + access + "': expected r, w or rw");
        };
        DomainDebugger.Watchpoint w = stopped(() -> debugger().insertWatchpoint(eval(address), length == null ? 8 : length, kind));
        out().printf("watchpoint %d at %s len %d %s%n", w.id(), target.address(w.address()), w.length(), access == null ? "w" : access);
    }

    @Command(name = "delete", aliases = "d", description = "Delete breakpoints and watchpoints by number (all without one).")
    void delete(@Parameters(arity = "0..*", paramLabel = "ID") List<Integer> ids) {
        stopped(() -> {
            if (ids == null || ids.isEmpty()) {
                debugger().clearAll();
                return null;
            }
            for (int id : ids) {
                if (!debugger().delete(id)) {
                    throw new DebugException("'" + id + "': no breakpoint or watchpoint has this number");
                }
            }
            return null;
        });
    }

    @Command(name = "set", description = "Set a register: set REG VALUE.")
    void set(@Parameters(paramLabel = "REG", index = "0", completionCandidates = RegisterNames.class) String register,
            @Parameters(paramLabel = "VALUE", index = "1") String value) {
        stopped(() -> {
            long v = eval(value);
            String name = register.toLowerCase(java.util.Locale.ROOT).replaceFirst("^\\$", "");
            if (!Registers.write(debugger().cpu(), name, v)) {
                throw new DebugException("'" + register + "': not a register the monitor can set");
            }
            return null;
        });
    }

    @Command(name = "print", aliases = "p", description = "Evaluate an expression of numbers, registers and symbols.")
    void print(@Parameters(arity = "1..*", paramLabel = "EXPR") List<String> words) {
        long value = stopped(() -> eval(String.join(" ", words)));
        out().printf("%s = %d%n", target.address(value), value);
    }

    @Command(name = "profile", description = "Sample where guest time goes: profile start [PERIOD_US] | stop | report [N].")
    void profile(@Parameters(paramLabel = "start|stop|report", index = "0", completionCandidates = ProfileActions.class) String action,
            @Parameters(paramLabel = "N", index = "1", arity = "0..1") Long number) {
        GuestProfiler profiler = debugger().profiler();
        switch (action) {
            case "start" -> {
                requireAlive();
                long period = number == null ? GuestProfiler.DEFAULT_PERIOD_MICROS : number;
                profiler.start(period);
                out().println("profiling domain " + target.domain().name() + " every " + period + " us");
            }
            case "stop" -> {
                if (!profiler.stop()) {
                    throw new DebugException("the profiler is not running");
                }
                out().println("profiler stopped");
            }
            case "report" -> printProfile(profiler.report(target.symbols(), number == null ? 20 : (int) Math.min(number, 10_000)));
            default -> throw new DebugException("'" + action + "': expected start, stop or report");
        }
    }

    private void printProfile(GuestProfiler.Report report) {
        out().printf("%d samples in %.2f s (every %d us); %d ticks with a vCPU out of guest code%n", report.samples(),
                report.seconds(), report.periodMicros(), report.offCpuTicks());
        out().printf("%9s %7s  %s%n", "samples", "%", "function");
        for (GuestProfiler.Entry e : report.entries()) {
            out().printf("%9d %6.1f%%  %s%n", e.samples(), e.percent(), e.where());
        }
    }

    @Command(name = "sym", description = "Load a kernel's ELF symbols: addresses then print as function+offset.")
    void sym(@Parameters(paramLabel = "FILE") String file) {
        ElfSymbols symbols = ElfSymbols.read(monitor.resolve(file));
        target.setSymbols(symbols);
        out().println(symbols.size() + " symbols from " + file);
    }

    @Command(name = "dmesg", description = "Show the hypervisor's log (with the guests' console_io output).")
    void dmesg() {
        for (String line : target.xen().console().lines()) {
            out().println(line);
        }
    }

    @Command(name = "destroy", description = "Destroy the domain (xl destroy).")
    void destroy() {
        target.destroy();
        out().println("domain " + target.domain().name() + " destroyed");
    }

    @Command(name = "gdb", description = "Start a GDB stub on [HOST:]PORT (loopback without HOST).")
    void gdb(@Parameters(paramLabel = "[HOST:]PORT") String hostPort) {
        requireAlive();
        GdbStub stub = GdbStub.start(debugger(), hostPort, monitor.log());
        out().println("gdb stub listening on port " + stub.port() + " (target remote :" + stub.port() + ")");
    }

    @Command(name = "quit", aliases = "q", description = "Destroy the domain and leave.")
    void quit() {
        monitor.requestQuit();
        if (!target.domain().isDying()) {
            target.destroy();
        }
    }

    private void requireAlive() {
        if (target.domain().isDying()) {
            throw new DebugException("domain " + target.domain().id() + " (" + target.domain().name() + ") is gone");
        }
    }

    private void requireStopped() {
        requireAlive();
        if (!debugger().isStopped()) {
            throw new DebugException("the domain is running; 'stop' it first");
        }
    }

    /** Completion candidates for info. */
    static final class InfoTopics implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(InfoTopic.values()).map(Enum::name).iterator();
        }
    }

    /** Completion candidates for profile. */
    static final class ProfileActions implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("start", "stop", "report").iterator();
        }
    }

    /** Completion candidates for set. */
    static final class RegisterNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Registers.names().iterator();
        }
    }
}
