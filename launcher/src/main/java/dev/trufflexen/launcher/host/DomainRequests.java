package dev.trufflexen.launcher.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trufflexen.dom0.xenstore.XsError;
import dev.trufflexen.launcher.config.ConfigException;
import dev.trufflexen.launcher.config.DomainConfig;
import dev.trufflexen.launcher.config.DomainConfigReader;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * The requests that make, stop and connect to domains: create, destroy, shutdown, reboot,
 * pause, unpause, console. {@link DomainInfoRequests} and {@link DomainTuningRequests} hold
 * the rest of xl's subcommands.
 */
final class DomainRequests {
    private DomainRequests() {
    }

    /** Registers every request the toolstack serves. */
    static void registerAll(HostCommands commands) {
        commands.register("create", DomainRequests::create);
        commands.register("destroy", DomainRequests::destroy);
        commands.register("shutdown", request -> stop(request, ShutdownReason.POWEROFF));
        commands.register("reboot", request -> stop(request, ShutdownReason.REBOOT));
        commands.register("pause", DomainRequests::pause);
        commands.register("unpause", DomainRequests::unpause);
        commands.register("console", DomainRequests::console);
        commands.register("dump-core", DomainRequests::dumpCore);
        DomainInfoRequests.register(commands);
        DomainTuningRequests.register(commands);
        MonitorRequests.register(commands);
        XenstoreRequests.register(commands);
    }

    /** Reads the configuration as the host sees the files, and builds the domain. */
    private static JsonNode create(HostRequest request) throws HostError {
        String file = request.text("config");
        Path cwd = Path.of(request.text("cwd"));
        List<String> overrides = new ArrayList<>();
        JsonNode given = request.args().get("overrides");
        if (given != null) {
            for (JsonNode override : given) {
                overrides.add(override.asText());
            }
        }
        DomainConfig config;
        try {
            config = DomainConfigReader.read(cwd.resolve(file), file, overrides, cwd);
        } catch (ConfigException e) {
            throw new HostError(65, e.getMessage());
        }
        HostedDomain hosted = request.host().create(config, request.flag("paused"), request.receivedNanos());
        ObjectNode result = Json.object();
        result.put("id", hosted.id());
        result.put("name", hosted.name());
        result.put("console_log", request.host().settings().paths().consoleLog(hosted.name()).toString());
        ArrayNode warnings = result.putArray("warnings");
        config.warnings().forEach(warnings::add);
        return result;
    }

    private static JsonNode destroy(HostRequest request) throws HostError {
        HostedDomain hosted = request.domain();
        List<String> leaks = request.host().destroy(hosted);
        ObjectNode result = Json.object();
        result.put("id", hosted.id());
        result.put("name", hosted.name());
        ArrayNode found = result.putArray("leaks");
        leaks.forEach(found::add);
        return result;
    }

    /**
     * xl shutdown and reboot: writes {@code poweroff} or {@code reboot} to the domain's
     * {@code control/shutdown}, as xl does. A guest that watches that node (a PV-aware kernel)
     * shuts itself down; for one that does not, the hypervisor shuts the domain down with that
     * reason, as when the guest itself asks. Then on_poweroff or on_reboot applies. With
     * {@code wait}, replies once the domain has stopped, shutting it down after 30 s if it did not.
     */
    private static JsonNode stop(HostRequest request, ShutdownReason reason) throws HostError {
        HostedDomain hosted = running(request.domain());
        boolean asked = askThroughXenstore(request.host(), hosted, reason);
        if (!asked) {
            hosted.domain().shutdown(reason);
        }
        if (request.flag("wait")) {
            try {
                if (asked && !hosted.awaitStopped(30_000)) {
                    request.host().xen().console().log("domain " + hosted.id() + " ignored control/shutdown for 30 s");
                    hosted.domain().shutdown(reason);
                }
                if (!hosted.awaitStopped(30_000)) {
                    throw new HostError("domain '" + hosted.name() + "' did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HostError("interrupted while waiting for domain '" + hosted.name() + "'");
            }
        }
        ObjectNode result = idAndName(hosted);
        result.put("via", asked ? "xenstore" : "hypervisor");
        return result;
    }

    /** Writes control/shutdown; true when the guest watches it (and so will act on it). */
    private static boolean askThroughXenstore(Host host, HostedDomain hosted, ShutdownReason reason) {
        String node = "/local/domain/" + hosted.id() + "/control/shutdown";
        boolean listening = host.xenstored().domainWatches(hosted.id(), node);
        try {
            host.xenstored().toolstack().write(node, reason == ShutdownReason.REBOOT ? "reboot" : "poweroff");
        } catch (XsError e) {
            host.xen().console().log("domain " + hosted.id() + ": cannot write " + node + ": " + e.getMessage());
            return false;
        }
        return listening;
    }

    private static JsonNode pause(HostRequest request) throws HostError {
        HostedDomain hosted = running(request.domain());
        if (hosted.domain().pauseByController() != 0) {
            throw new HostError("domain '" + hosted.name() + "' is paused 255 times already (Xen's limit)");
        }
        return idAndName(hosted);
    }

    private static JsonNode unpause(HostRequest request) throws HostError {
        HostedDomain hosted = running(request.domain());
        if (hosted.domain().unpauseByController() != 0) {
            throw new HostError("domain '" + hosted.name() + "' is not paused");
        }
        return idAndName(hosted);
    }

    /** xl dump-core DOMAIN FILE: the file as the client named it, resolved against the client's directory. */
    private static JsonNode dumpCore(HostRequest request) throws HostError {
        HostedDomain hosted = request.domain();
        Path file = Path.of(request.text("cwd")).resolve(request.text("file"));
        long pages = request.host().dumpCore(hosted, file);
        ObjectNode reply = idAndName(hosted);
        reply.put("file", file.toString());
        reply.put("pages", pages);
        return reply;
    }

    /**
     * xl console: after the reply the connection carries the guest's output to the client and
     * the client's bytes to the guest, until the client closes it or the domain stops.
     */
    private static JsonNode console(HostRequest request) throws HostError {
        HostedDomain hosted = running(request.domain());
        request.streamAfterReply((in, out) -> attachConsole(hosted, in, out));
        return idAndName(hosted);
    }

    private static void attachConsole(HostedDomain hosted, InputStream in, OutputStream out) throws IOException {
        hosted.console().attach(out);
        try {
            byte[] buffer = new byte[256];
            Domain domain = hosted.domain();
            int n;
            while (domain.shutdownReason() == null && (n = in.read(buffer)) > 0) {
                int done = 0;
                while (done < n && !hosted.backend().isBroken() && domain.shutdownReason() == null) {
                    done += hosted.backend().deliverInput(buffer, done, n - done);
                    if (done < n) {
                        sleepBriefly();
                    }
                }
            }
        } finally {
            hosted.console().detach(out);
        }
    }

    private static void sleepBriefly() throws IOException {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    /** The domain, if it has not stopped; a clear error otherwise. */
    static HostedDomain running(HostedDomain hosted) throws HostError {
        ShutdownReason reason = hosted.domain().shutdownReason();
        if (reason != null) {
            throw new HostError("domain '" + hosted.name() + "' (id " + hosted.id() + ") has shut down ("
                    + reason.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return hosted;
    }

    static ObjectNode idAndName(HostedDomain hosted) {
        ObjectNode result = Json.object();
        result.put("id", hosted.id());
        result.put("name", hosted.name());
        return result;
    }
}
