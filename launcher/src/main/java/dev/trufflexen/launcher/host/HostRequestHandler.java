package dev.trufflexen.launcher.host;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Serves one kind of request of the host protocol. Returns the reply's {@code result}; throws
 * {@link HostError} for a refusal. A handler that streams (the console) calls
 * {@link HostRequest#streamAfterReply} and returns its result as usual.
 */
@FunctionalInterface
public interface HostRequestHandler {
    JsonNode handle(HostRequest request) throws HostError;
}
