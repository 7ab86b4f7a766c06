/**
 * A GDB remote stub ({@code txl create --gdb [HOST:]PORT}, the monitor's {@code gdb} command,
 * the host's {@code gdb} request) that a stock {@code gdb} drives.
 *
 * <p>{@link GdbStub} listens (loopback unless a host is named) and serves one debugger at a time;
 * {@link GdbConnection} does the framing (checksums, acknowledgements until no-ack mode, escapes,
 * the out-of-band Ctrl-C) on a reader thread that turns bytes into events, so the stub waits for a
 * packet, an interrupt or a guest stop at once; {@link GdbSession} answers each packet. Registers
 * follow gdb's x86-64 target description ({@link GdbRegisters}: general, segment, FS/GS base, x87
 * and SSE, through the CPU's FXSAVE image). Memory is guest-virtual, through the guest's page
 * tables with its permissions. Z0/Z1 are the debugger's instruction stops and Z2-Z4 its watchpoints
 * (see {@code debug/}); stop replies say swbreak, hwbreak or watch/rwatch/awatch. One thread per
 * vCPU that has been brought up (vCPU N is thread N+1): Hg picks the vCPU whose registers and
 * address space the next packets use, a stop names the vCPU that met it, and a step (s, or a
 * vCont step for one thread) runs that vCPU alone while the others stay stopped. Every malformed
 * packet gets an error or an empty reply; none ends the stub.
 */
package dev.trufflexen.launcher.gdb;
