package dev.trufflexen.launcher.host;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A connection to a host: requests and replies, then, after {@code console}, raw bytes. */
public final class HostClient implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private long nextId = 1;

    private HostClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
        this.out = Channels.newOutputStream(channel);
    }

    /** A connection to the host of {@code paths}, or empty when none listens there. */
    public static Optional<HostClient> connect(HostPaths paths) {
        if (!Files.exists(paths.socket())) {
            return Optional.empty();
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(paths.socket()));
            } catch (IOException e) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new HostClient(channel));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends one request and returns the reply's result.
     *
     * @throws HostError the host's refusal, with its message and status
     * @throws IOException the host went away
     */
    public JsonNode request(String cmd, ObjectNode args) throws HostError, IOException {
        ObjectNode message = Json.object();
        long id = nextId++;
        message.put("id", id);
        message.put("cmd", cmd);
        message.set("args", args == null ? Json.object() : args);
        out.write((Json.MAPPER.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String line = HostServer.readLine(in);
        if (line == null) {
            throw new IOException("the host closed the connection");
        }
        JsonNode reply = Json.MAPPER.readTree(line);
        if (!reply.path("ok").asBoolean(false)) {
            throw new HostError(reply.path("status").asInt(HostError.FAILURE), reply.path("error").asText("failed"));
        }
        return reply.path("result");
    }

    /** An empty argument object to fill. */
    public static ObjectNode args() {
        return Json.object();
    }

    /** After a streaming request: what the host sends. */
    public InputStream rawInput() {
        return in;
    }

    /** After a streaming request: what goes to the host. */
    public OutputStream rawOutput() {
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
