package dev.trufflexen.launcher;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trufflexen.launcher.host.HostClient;
import dev.trufflexen.launcher.host.HostError;
import dev.trufflexen.launcher.host.HostPaths;
import dev.trufflexen.launcher.host.HostProcess;

/**
 * txl's side of the host protocol: finds the host of the state directory the environment names
 * and, for commands that need one, starts it when none runs. Refusals become
 * {@link TxlException}s with the host's message and status.
 */
final class HostConnection implements AutoCloseable {
    private final HostClient client;

    private HostConnection(HostClient client) {
        this.client = client;
    }

    static HostPaths paths(TxlContext context) {
        return HostPaths.fromEnvironment(context.environment());
    }

    /** The running host; starts one (with default settings) when none answers. */
    static HostConnection open(TxlContext context) {
        HostPaths paths = paths(context);
        Optional<HostClient> client = HostClient.connect(paths);
        if (client.isPresent()) {
            return new HostConnection(client.get());
        }
        return start(context, List.of());
    }

    static HostConnection wrap(HostClient client) {
        return new HostConnection(client);
    }

    /** The running host, or an error saying none runs (for commands that only look). */
    static HostConnection existing(TxlContext context) {
        HostPaths paths = paths(context);
        return new HostConnection(HostClient.connect(paths).orElseThrow(() -> new TxlException(
                ExitStatus.COMMAND_FAILED, "no TruffleXen host is running (state directory " + paths.stateDirectory()
                        + "); 'txl host start' or 'txl create' starts one")));
    }

    /** Starts a host with {@code hostArguments} and connects to it. */
    static HostConnection start(TxlContext context, List<String> hostArguments) {
        try {
            return new HostConnection(HostProcess.start(paths(context), hostArguments, context.environment()));
        } catch (HostError e) {
            throw new TxlException(ExitStatus.COMMAND_FAILED, e.getMessage());
        }
    }

    JsonNode request(String cmd, ObjectNode args) {
        try {
            return client.request(cmd, args);
        } catch (HostError e) {
            throw new TxlException(e.status(), e.getMessage());
        } catch (IOException e) {
            throw new TxlException(ExitStatus.COMMAND_FAILED, "lost the connection to the host: " + e.getMessage());
        }
    }

    /** A request with one argument, {@code domain}. */
    JsonNode requestForDomain(String cmd, String domain) {
        ObjectNode args = HostClient.args();
        args.put("domain", domain);
        return request(cmd, args);
    }

    HostClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // closing a socket the host closed first
        }
    }
}
