package dev.trufflexen.launcher.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trufflexen.dom0.xenstore.XenstoreClient;
import dev.trufflexen.dom0.xenstore.XsError;

/**
 * The toolstack's view of the host's xenstore (xenstore-read, xenstore-write, xenstore-rm,
 * xenstore-ls): absolute paths, with dom0's privileges. xenstore-ls gives one line per node
 * below the path, indented by depth, {@code name = "value"} as Xen's xenstore-ls prints.
 */
final class XenstoreRequests {
    /** The most lines xenstore-ls returns. */
    private static final int LS_LIMIT = 20_000;

    private XenstoreRequests() {
    }

    static void register(HostCommands commands) {
        commands.register("xenstore-read", XenstoreRequests::read);
        commands.register("xenstore-write", XenstoreRequests::write);
        commands.register("xenstore-rm", XenstoreRequests::rm);
        commands.register("xenstore-ls", XenstoreRequests::ls);
    }

    private static XenstoreClient client(HostRequest request) {
        return request.host().xenstored().toolstack();
    }

    private static HostError refused(String path, XsError e) {
        return new HostError("xenstore: " + path + ": " + e.errno());
    }

    private static JsonNode read(HostRequest request) throws HostError {
        String path = request.text("path");
        try {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put("value", client(request).read(path));
            return result;
        } catch (XsError e) {
            throw refused(path, e);
        }
    }

    private static JsonNode write(HostRequest request) throws HostError {
        String path = request.text("path");
        try {
            client(request).write(path, request.text("value"));
            return JsonNodeFactory.instance.objectNode();
        } catch (XsError e) {
            throw refused(path, e);
        }
    }

    private static JsonNode rm(HostRequest request) throws HostError {
        String path = request.text("path");
        try {
            client(request).rm(path);
            return JsonNodeFactory.instance.objectNode();
        } catch (XsError e) {
            throw refused(path, e);
        }
    }

    private static JsonNode ls(HostRequest request) throws HostError {
        String path = request.args().path("path").asText("/");
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        ArrayNode lines = result.putArray("lines");
        try {
            list(client(request), path, 0, lines);
        } catch (XsError e) {
            throw refused(path, e);
        }
        return result;
    }

    private static void list(XenstoreClient client, String path, int depth, ArrayNode lines) throws XsError {
        for (String child : client.directory(path)) {
            if (lines.size() >= LS_LIMIT) {
                return;
            }
            String childPath = path.equals("/") ? "/" + child : path + "/" + child;
            lines.add(" ".repeat(depth) + child + " = \"" + escaped(client.readOr(childPath, "")) + "\"");
            list(client, childPath, depth + 1, lines);
        }
    }

    /** Printable ASCII as is; a backslash, a quote and anything else escaped as xenstore-ls does. */
    static String escaped(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '"') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\%03o", (int) c));
            }
        }
        return out.toString();
    }
}
