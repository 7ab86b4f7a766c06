package dev.trufflexen.launcher.host;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of request handlers: the protocol's commands. Each package that serves requests
 * registers its own ({@link DomainRequests} the toolstack's), so a new command never needs an
 * edit here.
 */
public final class HostCommands {
    private final Map<String, HostRequestHandler> handlers = new ConcurrentHashMap<>();

    /** Adds command {@code name}; a name can be registered once. */
    public void register(String name, HostRequestHandler handler) {
        if (handlers.putIfAbsent(name, handler) != null) {
            throw new IllegalStateException("host command " + name + " is registered twice");
        }
    }

    public Optional<HostRequestHandler> handler(String name) {
        return Optional.ofNullable(handlers.get(name));
    }

    /** Every command, sorted. */
    public Set<String> names() {
        return new TreeSet<>(handlers.keySet());
    }
}
