package dev.trufflexen.launcher.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One request as the host received it: its command, arguments and the host serving it. */
public final class HostRequest {
    private final Host host;
    private final String command;
    private final ObjectNode args;
    private HostStream stream;

    public HostRequest(Host host, String command, ObjectNode args) {
        this.host = host;
        this.command = command;
        this.args = args == null ? JsonNodeFactory.instance.objectNode() : args;
    }

    public Host host() {
        return host;
    }

    public String command() {
        return command;
    }

    public ObjectNode args() {
        return args;
    }

    /** A string argument that must be present. */
    public String text(String name) throws HostError {
        JsonNode value = args.get(name);
        if (value == null || !value.isTextual()) {
            throw new HostError(command + ": argument '" + name + "' (a string) is missing");
        }
        return value.asText();
    }

    /** An optional integer argument. */
    public java.util.OptionalLong number(String name) throws HostError {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return java.util.OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new HostError(command + ": argument '" + name + "' must be an integer");
        }
        return java.util.OptionalLong.of(value.asLong());
    }

    /** An optional boolean argument, false when absent. */
    public boolean flag(String name) {
        JsonNode value = args.get(name);
        return value != null && value.asBoolean(false);
    }

    /** The domain named by argument {@code domain} (a name or a numeric id). */
    public HostedDomain domain() throws HostError {
        return host.find(text("domain"));
    }

    /** After the reply, hands the connection to {@code stream}. */
    public void streamAfterReply(HostStream next) {
        this.stream = next;
    }

    HostStream stream() {
        return stream;
    }
}
