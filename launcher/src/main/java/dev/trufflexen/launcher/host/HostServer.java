package dev.trufflexen.launcher.host;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The host's socket: accepts connections on the Unix domain socket of its state directory and
 * serves the JSON protocol (docs/HOST-PROTOCOL.md), one thread per connection. A request is one
 * line of at most {@link #MAX_LINE} bytes; a reply is one line. {@code host-status} and
 * {@code host-stop} are served here; every other command comes from the host's registry.
 */
public final class HostServer implements AutoCloseable {
    /** The longest request line accepted. */
    static final int MAX_LINE = 1 << 20;

    private final Host host;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    private HostServer(Host host, ServerSocketChannel server) {
        this.host = host;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "host-accept");
        acceptor.setDaemon(true);
    }

    /** Listens on the host's socket (replacing a stale one) and writes the pid file. */
    public static HostServer listen(Host host) throws IOException {
        HostPaths paths = host.settings().paths();
        Files.deleteIfExists(paths.socket());
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(paths.socket()));
        HostServer server = new HostServer(host, channel);
        host.commands().register("host-status", server::status);
        host.commands().register("host-stop", server::stop);
        host.commands().register("help", request -> {
            var names = Json.array();
            host.commands().names().forEach(names::add);
            return names;
        });
        Files.writeString(paths.pidFile(), ProcessHandle.current().pid() + "\n");
        server.acceptor.start();
        host.xen().console().log("host: listening on " + paths.socket());
        return server;
    }

    /** Blocks until a client asks the host to stop. */
    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    private JsonNode status(HostRequest request) {
        ObjectNode result = Json.object();
        result.put("pid", ProcessHandle.current().pid());
        result.put("uptime_ns", host.uptimeNanos());
        result.put("domains", host.domains().size());
        result.put("pcpus", host.settings().pcpus());
        result.put("machine_memory_mib", host.settings().machineMemoryMiB());
        result.put("state_directory", host.settings().paths().stateDirectory().toString());
        return result;
    }

    private JsonNode stop(HostRequest request) {
        host.beginShutdown();
        stopRequested.countDown();
        return status(request);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread connection = new Thread(() -> serve(client), "host-client");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                if (server.isOpen()) {
                    host.xen().console().log("host: accept failed: " + e);
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(client));
            OutputStream out = Channels.newOutputStream(client);
            String line;
            while ((line = readLine(in)) != null) {
                HostStream stream = answer(line, out);
                if (stream != null) {
                    stream.run(in, out);
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Serves one request line; returns the stream it asked for, if any. */
    private HostStream answer(String line, OutputStream out) throws IOException {
        ObjectNode reply = Json.object();
        HostRequest request = null;
        try {
            JsonNode message = Json.MAPPER.readTree(line);
            if (message == null || !message.isObject()) {
                throw new HostError("a request is a JSON object: {\"id\": ..., \"cmd\": ..., \"args\": {...}}");
            }
            reply.set("id", message.get("id"));
            JsonNode cmd = message.get("cmd");
            JsonNode args = message.get("args");
            if (cmd == null || !cmd.isTextual()) {
                throw new HostError("the request has no \"cmd\" string");
            }
            if (args != null && !args.isObject() && !args.isNull()) {
                throw new HostError("\"args\" must be an object");
            }
            HostRequestHandler handler = host.commands().handler(cmd.asText()).orElseThrow(() -> new HostError(
                    "unknown command '" + cmd.asText() + "'; the commands are "
                            + String.join(", ", host.commands().names())));
            request = new HostRequest(host, cmd.asText(), args instanceof ObjectNode object ? object : null);
            JsonNode result = handler.handle(request);
            reply.put("ok", true);
            reply.set("result", result);
        } catch (JsonProcessingException e) {
            reply.put("ok", false);
            reply.put("error", "not JSON: " + e.getOriginalMessage());
            reply.put("status", HostError.FAILURE);
        } catch (HostError e) {
            reply.put("ok", false);
            reply.put("error", e.getMessage());
            reply.put("status", e.status());
            request = null;
        } catch (RuntimeException e) {
            host.xen().console().log("host: internal error serving " + line.length() + "-byte request: " + e);
            reply.put("ok", false);
            reply.put("error", "internal error: " + e);
            reply.put("status", 70);
            request = null;
        }
        out.write((Json.MAPPER.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return request == null ? null : request.stream();
    }

    /** A line without its newline, null at end of input; longer than {@link #MAX_LINE} is an error. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() == MAX_LINE) {
                throw new IOException("request line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(host.settings().paths().socket());
        Files.deleteIfExists(host.settings().paths().pidFile());
    }
}
