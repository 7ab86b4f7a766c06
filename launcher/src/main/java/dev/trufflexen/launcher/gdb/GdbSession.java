package dev.trufflexen.launcher.gdb;

import java.util.List;

import dev.trufflexen.launcher.debug.DebugException;
import dev.trufflexen.launcher.debug.DomainDebugger;
import dev.trufflexen.launcher.debug.DomainDebugger.Access;
import dev.trufflexen.launcher.debug.DomainDebugger.BreakKind;
import dev.trufflexen.launcher.debug.DomainDebugger.Watchpoint;
import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86DebugStop;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * One debugger's packets and their replies (the stub's protocol logic; {@link GdbStub} does the
 * connection and the waiting). Every packet gets a reply: an empty one for what the stub does
 * not support, as the protocol asks, and {@code E01}-style errors for bad arguments or memory
 * that does not translate; nothing a debugger sends can stop the stub.
 */
final class GdbSession {
    /** A reply, and whether the packet set the guest running or ended the session. */
    record Reply(String text, boolean resumed, boolean endsSession) {
        static Reply of(String text) {
            return new Reply(text, false, false);
        }
    }

    private static final int MAX_MEMORY = 0x1000;

    private final DomainDebugger debugger;
    private final GdbConnection connection;
    private String lastStopReply = "S05";
    /** gdb sent Ctrl-C: the pause that follows is SIGINT, other pauses (attaching) SIGTRAP. */
    private boolean interruptPending;

    GdbSession(DomainDebugger debugger, GdbConnection connection) {
        this.debugger = debugger;
        this.connection = connection;
    }

    Reply handle(String packet) {
        try {
            return dispatch(packet);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return Reply.of("E01");
        } catch (DebugException e) {
            return Reply.of("E02");
        }
    }

    private Reply dispatch(String packet) {
        if (packet.isEmpty()) {
            return Reply.of("");
        }
        X86Cpu cpu = debugger.cpu();
        char command = packet.charAt(0);
        String args = packet.substring(1);
        if (debugger.domain().isDying() && command != 'D' && command != 'k' && !packet.startsWith("q")) {
            return Reply.of(exitReply());
        }
        return switch (command) {
            case '?' -> Reply.of(debugger.isStopped() && debugger.lastStop() != null ? stopReply(debugger.lastStop()) : lastStopReply);
            case 'g' -> Reply.of(GdbRegisters.readAll(cpu));
            case 'G' -> Reply.of(GdbRegisters.writeAll(cpu, args) ? "OK" : "E01");
            case 'p' -> {
                String value = GdbRegisters.readOne(cpu, (int) GdbHex.parseNumber(args));
                yield Reply.of(value == null ? "E01" : value);
            }
            case 'P' -> {
                int eq = args.indexOf('=');
                yield Reply.of(GdbRegisters.writeOne(cpu, (int) GdbHex.parseNumber(args.substring(0, eq)),
                        args.substring(eq + 1)) ? "OK" : "E01");
            }
            case 'm' -> readMemory(args);
            case 'M' -> {
                int colon = args.indexOf(':');
                yield writeMemory(args.substring(0, colon), GdbHex.parseBytes(args.substring(colon + 1)));
            }
            case 'X' -> {
                int colon = args.indexOf(':');
                yield writeMemory(args.substring(0, colon), GdbConnection.unescape(args.substring(colon + 1)));
            }
            case 'c' -> resume(args, false);
            case 's' -> resume(args, true);
            case 'v' -> verbose(packet);
            case 'H' -> Reply.of(args.isEmpty() || selectThread(args.substring(1)) ? "OK" : "E01");
            case 'T' -> Reply.of(vcpuOf(args) >= 0 ? "OK" : "E01");
            case 'Z', 'z' -> breakpoint(command == 'Z', args);
            case 'q' -> query(args);
            case 'Q' -> {
                if (args.equals("StartNoAckMode")) {
                    connection.setNoAck();
                    yield Reply.of("OK");
                }
                yield Reply.of("");
            }
            case 'D' -> {
                debugger.clearAll();
                debugger.resume();
                yield new Reply("OK", false, true);
            }
            case 'k' -> {
                debugger.domain().shutdown(ShutdownReason.POWEROFF);
                debugger.resume();
                yield new Reply(null, false, true);
            }
            default -> Reply.of("");
        };
    }

    /**
     * The vCPU of a thread id: vCPU {@code n} is thread {@code n + 1} (gdb reserves 0 for any
     * thread and -1 for all), with or without the {@code p1.} process prefix; -1 when the domain
     * has no such vCPU or it was never brought up.
     */
    private int vcpuOf(String thread) {
        String id = thread.startsWith("p1.") ? thread.substring(3) : thread;
        long number = GdbHex.parseNumber(id);
        var vcpus = debugger.domain().vcpus();
        return number >= 1 && number <= vcpus.size() && vcpus.get((int) number - 1).isInitialised() ? (int) number - 1 : -1;
    }

    private static String threadId(int vcpu) {
        return Integer.toHexString(vcpu + 1);
    }

    /** Hg/Hc: the thread the next register, memory or step packets are for; any (0) or all (-1) keep the current one. */
    private boolean selectThread(String thread) {
        if (thread.equals("0") || thread.equals("-1") || thread.equals("p1.0") || thread.equals("p1.-1")) {
            return true;
        }
        int vcpu = vcpuOf(thread);
        return vcpu >= 0 && debugger.select(vcpu);
    }

    private Reply readMemory(String args) {
        int comma = args.indexOf(',');
        long address = GdbHex.parseNumber(args.substring(0, comma));
        int length = (int) Math.min(GdbHex.parseNumber(args.substring(comma + 1)), MAX_MEMORY);
        byte[] data = new byte[length];
        // Read what translates, up to the first page that does not (gdb asks across boundaries).
        int done = 0;
        while (done < length) {
            int chunk = (int) Math.min(length - done, 0x1000 - ((address + done) & 0xFFF));
            if (!debugger.cpu().copyFromGuest(address + done, data, done, chunk)) {
                break;
            }
            done += chunk;
        }
        return Reply.of(done == 0 && length > 0 ? "E14" : GdbHex.bytes(data, 0, done));
    }

    private Reply writeMemory(String addressAndLength, byte[] data) {
        int comma = addressAndLength.indexOf(',');
        long address = GdbHex.parseNumber(addressAndLength.substring(0, comma));
        long length = GdbHex.parseNumber(addressAndLength.substring(comma + 1));
        if (length != data.length) {
            return Reply.of("E01");
        }
        return Reply.of(data.length == 0 || debugger.cpu().copyToGuest(address, data, 0, data.length) ? "OK" : "E14");
    }

    private Reply resume(String args, boolean step) {
        if (!args.isEmpty()) {
            int semicolon = args.indexOf(';');
            debugger.cpu().setRip(GdbHex.parseNumber(semicolon < 0 ? args : args.substring(0, semicolon)));
        }
        if (step) {
            X86DebugStop stop = debugger.step();
            if (stop == null && !debugger.domain().isDying()) {
                stop = debugger.pause(); // the vCPU blocked rather than ran an instruction: it stops where it is
            }
            return Reply.of(stop == null ? exitReply() : stopReply(stop));
        }
        debugger.resumeAsync(false);
        return new Reply(null, true, false);
    }

    /**
     * vCont: a step for one thread steps that vCPU alone, the others staying stopped (also when
     * the packet lets them continue, as gdb's {@code s:N;c} does: stopped is what a debugger
     * stepping one thread expects of the others); else a continue resumes every vCPU.
     */
    private Reply verbose(String packet) {
        if (packet.equals("vCont?")) {
            return Reply.of("vCont;c;C;s;S");
        }
        if (packet.startsWith("vCont;")) {
            boolean any = false;
            for (String action : packet.substring("vCont;".length()).split(";")) {
                int colon = action.indexOf(':');
                String thread = colon < 0 ? null : action.substring(colon + 1);
                if (thread != null && !thread.equals("-1") && !thread.equals("p1.-1") && vcpuOf(thread) < 0) {
                    return Reply.of("E01");
                }
                any = true;
                if (action.charAt(0) == 's' || action.charAt(0) == 'S') {
                    if (thread != null && !thread.equals("-1") && !thread.equals("p1.-1")) {
                        debugger.select(vcpuOf(thread));
                    }
                    return resume("", true);
                }
            }
            return any ? resume("", false) : Reply.of("E01");
        }
        if (packet.equals("vMustReplyEmpty")) {
            return Reply.of("");
        }
        if (packet.startsWith("vKill")) {
            debugger.domain().shutdown(ShutdownReason.POWEROFF);
            debugger.resume();
            return new Reply("OK", false, true);
        }
        return Reply.of("");
    }

    private Reply breakpoint(boolean insert, String args) {
        String[] fields = args.split("[,;]");
        int type = Integer.parseInt(fields[0]);
        long address = GdbHex.parseNumber(fields[1]);
        int kind = (int) GdbHex.parseNumber(fields[2]);
        switch (type) {
            case 0, 1 -> {
                if (insert) {
                    debugger.insertBreakpoint(address, type == 0 ? BreakKind.SOFTWARE : BreakKind.HARDWARE);
                } else {
                    debugger.removeBreakpointAt(address);
                }
                return Reply.of("OK");
            }
            case 2, 3, 4 -> {
                Access access = type == 2 ? Access.WRITE : type == 3 ? Access.READ : Access.ACCESS;
                if (insert) {
                    debugger.insertWatchpoint(address, kind, access);
                } else {
                    debugger.removeWatchpoint(address, kind, access);
                }
                return Reply.of("OK");
            }
            default -> {
                return Reply.of("");
            }
        }
    }

    private Reply query(String args) {
        if (args.startsWith("Supported")) {
            return Reply.of("PacketSize=" + Integer.toHexString(GdbConnection.MAX_PACKET - 16)
                    + ";qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+");
        }
        if (args.startsWith("Xfer:features:read:target.xml:")) {
            String[] range = args.substring("Xfer:features:read:target.xml:".length()).split(",");
            String xml = GdbRegisters.targetXml();
            int offset = (int) Math.min(GdbHex.parseNumber(range[0]), xml.length());
            int length = (int) GdbHex.parseNumber(range[1]);
            int end = Math.min(xml.length(), offset + length);
            return Reply.of((end < xml.length() ? "m" : "l") + xml.substring(offset, end));
        }
        return switch (args) {
            case "fThreadInfo" -> Reply.of("m" + threadList());
            case "sThreadInfo" -> Reply.of("l");
            case "C" -> Reply.of("QC" + threadId(debugger.selectedVcpu()));
            case "Attached" -> Reply.of("1");
            case "Symbol::" -> Reply.of("OK");
            default -> args.startsWith("ThreadExtraInfo,") && vcpuOf(args.substring("ThreadExtraInfo,".length())) >= 0
                    ? Reply.of(GdbHex.text("vCPU " + vcpuOf(args.substring("ThreadExtraInfo,".length())) + " of "
                            + debugger.domain().name()))
                    : Reply.of("");
        };
    }

    /** The threads: one per vCPU that has been brought up (vCPU 0 always). */
    private String threadList() {
        StringBuilder list = new StringBuilder();
        for (var vcpu : debugger.domain().vcpus()) {
            if (vcpu.id() == 0 || vcpu.isInitialised()) {
                list.append(list.isEmpty() ? "" : ",").append(threadId(vcpu.id()));
            }
        }
        return list.toString();
    }

    /** The stop reply for {@code stop}: SIGTRAP with the reason gdb asked for in qSupported. */
    String stopReply(X86DebugStop stop) {
        String reason = switch (stop.kind()) {
            case BREAKPOINT -> {
                boolean hardware = debugger.breakpoints().stream()
                        .anyMatch(b -> b.address() == stop.address() && b.kind() == BreakKind.HARDWARE);
                yield hardware ? "hwbreak:;" : "swbreak:;";
            }
            case WATCH -> {
                List<Watchpoint> hit = debugger.watchpointsHit(stop.slots());
                if (hit.isEmpty()) {
                    yield "";
                }
                Watchpoint w = hit.getFirst();
                String name = switch (w.access()) {
                    case WRITE -> "watch";
                    case READ -> "rwatch";
                    case ACCESS -> "awatch";
                };
                yield name + ":" + Long.toHexString(w.address()) + ";";
            }
            default -> "";
        };
        String signal = stop.kind() == X86DebugStop.Kind.PAUSE && interruptPending ? "02" : "05";
        interruptPending = false;
        lastStopReply = "T" + signal + "thread:" + threadId(debugger.stopVcpu()) + ";" + reason;
        return lastStopReply;
    }

    /** gdb asked the running guest to stop (Ctrl-C). */
    void interrupted() {
        interruptPending = true;
    }

    /** W with the exit code: 0 for poweroff, else the xl exit status of the stop. */
    String exitReply() {
        ShutdownReason reason = debugger.domain().shutdownReason();
        int code = reason == null || reason == ShutdownReason.POWEROFF ? 0 : reason.ordinal() + 1;
        return String.format("W%02x", code);
    }
}
