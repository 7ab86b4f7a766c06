package dev.trufflexen.launcher.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What a connection becomes after a streaming request's reply: raw bytes both ways (the
 * console: guest output to the client, keys to the guest). The connection closes when
 * {@link #run} returns.
 */
@FunctionalInterface
public interface HostStream {
    void run(InputStream fromClient, OutputStream toClient) throws IOException;
}
