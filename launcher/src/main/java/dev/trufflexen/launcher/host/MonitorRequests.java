package dev.trufflexen.launcher.host;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trufflexen.launcher.debug.DebugException;
import dev.trufflexen.launcher.debug.DebuggedDomain;
import dev.trufflexen.launcher.gdb.GdbStub;
import dev.trufflexen.launcher.monitor.Monitor;
import dev.trufflexen.xen.domain.Domain;

/**
 * The monitor and the GDB stub as host requests: {@code monitor} runs one monitor command line
 * on a domain ({@code domain}, {@code command}) and replies with its output's {@code lines}; a
 * command that fails is a refusal carrying its one error line. {@code gdb} starts a stub on a
 * domain ({@code domain}, {@code address} as {@code [HOST:]PORT}) and replies with its
 * {@code port}. The first of either attaches the domain's debugger, which stays for the
 * domain's life.
 */
final class MonitorRequests {
    private static final Map<Domain, DebuggedDomain> DEBUGGED = new ConcurrentHashMap<>();

    private MonitorRequests() {
    }

    static void register(HostCommands commands) {
        commands.register("monitor", MonitorRequests::monitor);
        commands.register("gdb", MonitorRequests::gdb);
    }

    private static DebuggedDomain debugged(HostRequest request) throws HostError {
        Domain domain = request.domain().domain();
        if (domain.isDying()) {
            throw new HostError("domain " + domain.id() + " (" + domain.name() + ") is gone");
        }
        HostedDomain hosted = request.domain();
        Host host = request.host();
        DebuggedDomain debugged = DEBUGGED.computeIfAbsent(domain, d -> {
            DebuggedDomain attached = DebuggedDomain.attach(host.xen(), d);
            attached.setDestroyer((target, resumeDebugger) -> host.destroy(hosted, resumeDebugger));
            return attached;
        });
        domain.onStop(() -> DEBUGGED.remove(domain));
        return debugged;
    }

    private static JsonNode monitor(HostRequest request) throws HostError {
        String command = request.text("command");
        DebuggedDomain debugged = debugged(request);
        StringWriter text = new StringWriter();
        Monitor monitor = new Monitor(debugged, new PrintWriter(text), System.err, Path.of(request.args().path("cwd")
                .asText(System.getProperty("user.dir"))));
        monitor.execute(command, false); // cont returns at once: a request never waits for the guest
        String output = text.toString();
        if (output.startsWith("error: ")) {
            throw new HostError(output.substring("error: ".length()).strip());
        }
        ObjectNode result = Json.object();
        result.put("id", debugged.domain().id());
        result.put("name", debugged.domain().name());
        result.put("command", command);
        ArrayNode lines = result.putArray("lines");
        output.lines().forEach(lines::add);
        return result;
    }

    private static JsonNode gdb(HostRequest request) throws HostError {
        String address = request.text("address");
        DebuggedDomain debugged = debugged(request);
        GdbStub stub;
        try {
            stub = GdbStub.start(debugged.debugger(), address, System.err);
        } catch (DebugException e) {
            throw new HostError(e.getMessage());
        }
        debugged.domain().onStop(stub::close);
        ObjectNode result = Json.object();
        result.put("id", debugged.domain().id());
        result.put("name", debugged.domain().name());
        result.put("port", stub.port());
        return result;
    }
}
