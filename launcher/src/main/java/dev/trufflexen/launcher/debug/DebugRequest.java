package dev.trufflexen.launcher.debug;

import java.util.function.Consumer;

/**
 * What {@code txl create} asks of a domain it debugs: whether it waits before its first
 * instruction, where a GDB stub listens (null: none), and the session to run with the built
 * domain (the monitor's script and prompt) while the domain runs on a thread of its own.
 *
 * @param session called on the launcher's thread once the domain is built, while the domain
 *     runs (or waits, paused); when it returns, the launcher waits for the domain to stop
 */
public record DebugRequest(boolean pausedAtStart, String gdbAddress, Consumer<DebuggedDomain> session) {
}
