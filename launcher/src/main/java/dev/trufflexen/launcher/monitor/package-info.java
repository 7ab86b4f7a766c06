/**
 * The monitor: a QEMU-style command console on a domain ({@code txl create -m}, {@code -e CMD},
 * {@code txl monitor DOMAIN}, the host's {@code monitor} request).
 *
 * <p>Commands are declared once, as picocli methods in {@link MonitorCommands}: help, argument
 * errors and the terminal's completion all come from those declarations. {@link Monitor} runs a
 * line and turns every failure into one {@code error:} line naming the token at fault, so no input
 * ends it. {@link MonitorConsole} is the terminal (JLine 3: editing, history kept across sessions,
 * completion of commands, info topics, registers and symbols, Ctrl-C that interrupts the command,
 * guest output and stop notices above the prompt). Addresses are expressions ({@link Expression})
 * of numbers, registers and symbols; {@link MemoryFormat} is QEMU's {@code x/FMT};
 * {@link GuestMemoryView} walks the guest's page tables for {@code info mem} and {@code info tlb}.
 * Every inspection runs with the domain stopped (see {@code debug/}).
 */
package dev.trufflexen.launcher.monitor;
