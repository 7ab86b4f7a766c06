package dev.trufflexen.launcher.host;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A domain's console output: always to its log, and to every client attached with
 * {@code txl console}. A client that goes away is dropped; the log and the guest never wait for
 * it beyond one write. When the domain is released, attached clients are disconnected.
 */
final class ConsoleFanout extends OutputStream {
    private final OutputStream log;
    private final List<OutputStream> attached = new CopyOnWriteArrayList<>();

    ConsoleFanout(OutputStream log) {
        this.log = log;
    }

    void attach(OutputStream client) {
        attached.add(client);
    }

    void detach(OutputStream client) {
        attached.remove(client);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        log.write(bytes, offset, length);
        log.flush();
        for (OutputStream client : attached) {
            try {
                client.write(bytes, offset, length);
                client.flush();
            } catch (IOException e) {
                attached.remove(client);
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        for (OutputStream client : attached) {
            try {
                client.close();
            } catch (IOException e) {
                // the client has gone already
            }
        }
        attached.clear();
        log.close();
    }
}
