/**
 * Debugging a domain in this process: what the monitor ({@code monitor/}) and the GDB stub
 * ({@code gdb/}) share.
 *
 * <h2>Design</h2>
 * <p><b>Invisible to the guest.</b> A breakpoint changes no guest byte. The CPU keeps a set of
 * debugger stops ({@link dev.trufflexen.x86.cpu.X86DebugStops}); the region builder puts a stop
 * node before an instruction at such an address, and {@link DomainDebugger} drops the translated
 * regions of the breakpoint's page whenever it adds or removes one. The page is retranslated with
 * the stop; every other page keeps its compiled code, and with no breakpoint at all the builder's
 * one check at translation time is the whole cost (nothing is checked in compiled code). A page
 * the guest rewrites is retranslated the same way, so its breakpoints survive self-modifying code.
 * Watchpoints are the CPU's debugger watch, beside (not in) the guest's DR0-DR7, page by page:
 * only a watched page leaves the TLB, and an instruction about to touch the watched bytes runs
 * again alone and stops after it, while the rest of the guest keeps running compiled. A debugged
 * domain's regions count their executions ({@code info regions}): those built after the
 * debugger attached, which for a domain started under one is all of them.
 *
 * <p><b>Stopping and resuming, all-stop.</b> A stop (breakpoint, step, watchpoint hit, pause)
 * ends {@link dev.trufflexen.x86.cpu.X86Cpu#run} with an
 * {@link dev.trufflexen.x86.cpu.X86DebugStop}; the domain's run loop hands it to
 * {@link DomainDebugger#stopped}, which holds every vCPU of the domain with a pause of the
 * debugger's own (Xen's counted vcpu_pause, apart from the toolstack's), waits until the others
 * are out of guest code and reports the stop. No thread waits for the debugger: held vCPUs are
 * simply not scheduled. A second vCPU meeting a stop meanwhile is held unreported; a breakpoint
 * it met is met again when it resumes. Continuing releases every hold (the reporting vCPU runs
 * past its breakpoint once); stepping releases one vCPU with the CPU's debugger single-step,
 * which reports after one instruction without a trap to the guest, while the others stay held.
 * A pause is an exit request from another thread (a blocked vCPU wakes for it). A domain the
 * toolstack paused is inspected under a pause of the inspection's own, without a stop.
 *
 * <p><b>Threads.</b> A debugger thread reads and changes registers and memory only while the
 * domain is stopped ({@link DomainDebugger#whileStopped} pauses a running domain for the time of
 * one inspection); what changes a CPU's modes (stepping, watchpoints, the breakpoint to run past)
 * is set while its vCPU is held and out of guest code, and the scheduler's hand-over publishes it
 * to the thread that runs the vCPU next.
 *
 * <p><b>Profiling.</b> {@link GuestProfiler} asks each vCPU in guest code, from a timer thread, to
 * leave it at its next region exit or back edge with a sample stop, which never displaces another
 * exit request; {@link DomainDebugger#stopped} notes the RIP and the vCPU runs on at once.
 *
 * <p>{@link DebuggedDomain} bundles a domain with its debugger, its hypercall counts and times (fed
 * by the dispatcher's after-every-hypercall hook, the dispatcher noting each call's start once
 * asked to) and the symbols
 * loaded with {@code sym} ({@link ElfSymbols}).
 */
package dev.trufflexen.launcher.debug;
