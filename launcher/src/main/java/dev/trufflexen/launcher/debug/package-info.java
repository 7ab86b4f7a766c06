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
 * Watchpoints are the CPU's debugger watch, beside (not in) the guest's DR0-DR7: while one is
 * armed the CPU runs one instruction at a time, as it does for the guest's own data breakpoints.
 *
 * <p><b>Stopping and resuming.</b> A stop (breakpoint, step, watchpoint hit, pause) ends
 * {@link dev.trufflexen.x86.cpu.X86Cpu#run} with an {@link dev.trufflexen.x86.cpu.X86DebugStop};
 * the domain's run loop hands it to {@link DomainDebugger#stopped}, where the vCPU's thread waits
 * until a debugger thread resumes it. A pause is an exit request from another thread (a blocked
 * vCPU wakes for it). Continuing from a breakpoint lets its instruction run once; a step is the
 * CPU's debugger single-step, which reports after one instruction without a trap to the guest.
 *
 * <p><b>Threads.</b> A debugger thread reads and changes registers and memory only while the vCPU
 * waits in {@link DomainDebugger#stopped} ({@link DomainDebugger#whileStopped} pauses a running
 * domain for the time of one inspection); the stop and the resume synchronize on the debugger, so
 * each side sees the other's writes, and what changes the CPU's modes (stepping, watchpoints) is
 * applied on the vCPU's own thread before it runs on.
 *
 * <p>{@link DebuggedDomain} bundles a domain with its debugger, its hypercall counts (fed by the
 * dispatcher's after-every-hypercall hook, so the core does not change for them) and the symbols
 * loaded with {@code sym} ({@link ElfSymbols}).
 */
package dev.trufflexen.launcher.debug;
