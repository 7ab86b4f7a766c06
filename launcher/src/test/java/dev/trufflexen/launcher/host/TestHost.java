package dev.trufflexen.launcher.host;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A host for tests, in the test's own JVM: a hypervisor, the socket in a temporary state
 * directory, closed (every domain destroyed) by {@link #close}.
 */
public final class TestHost implements AutoCloseable {
    private final Host host;
    private final HostServer server;

    private TestHost(Host host, HostServer server) {
        this.host = host;
        this.server = server;
    }

    public static TestHost start(Path stateDirectory) throws IOException {
        return start(stateDirectory, 2, 1024);
    }

    public static TestHost start(Path stateDirectory, int pcpus, long memoryMiB) throws IOException {
        Host host = Host.start(new Host.Settings(new HostPaths(stateDirectory), pcpus, memoryMiB, false));
        return new TestHost(host, HostServer.listen(host));
    }

    public Host host() {
        return host;
    }

    public HostPaths paths() {
        return host.settings().paths();
    }

    @Override
    public void close() throws IOException {
        server.close();
        host.close();
    }
}
