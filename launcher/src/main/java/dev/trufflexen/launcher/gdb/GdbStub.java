package dev.trufflexen.launcher.gdb;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import dev.trufflexen.launcher.debug.DebugException;
import dev.trufflexen.launcher.debug.DomainDebugger;
import dev.trufflexen.x86.cpu.X86DebugStop;
import dev.trufflexen.xen.domain.Domain;

/**
 * A GDB remote stub for one domain: listens on a TCP port (loopback unless a host is given),
 * serves one debugger at a time, and speaks the remote protocol to a stock {@code gdb}.
 *
 * <p>What it offers: qSupported (swbreak, hwbreak, no-ack mode, the target description),
 * {@code g/G/p/P} over {@link GdbRegisters}, {@code m/M/X} on guest-virtual memory (through
 * the guest's page tables, with its permissions), {@code c/s/vCont}, Z0/Z1 breakpoints (the
 * CPU's debugger stops: no guest byte changes, so code the guest rewrites keeps them) and
 * Z2-Z4 watchpoints (the CPU's debugger watch), one thread per vCPU (qfThreadInfo, Hg/Hc, T),
 * stop replies naming swbreak, hwbreak or watch/rwatch/awatch, detach and kill. The domain is
 * stopped whenever gdb is not running it; detaching removes every breakpoint and resumes it.
 */
public final class GdbStub implements AutoCloseable {
    private final DomainDebugger debugger;
    private final ServerSocket server;
    private final PrintStream log;
    private final Thread acceptor;
    private volatile boolean closed;

    private GdbStub(DomainDebugger debugger, ServerSocket server, PrintStream log) {
        this.debugger = debugger;
        this.server = server;
        this.log = log;
        this.acceptor = new Thread(this::acceptLoop, "gdb-stub-d" + debugger.domain().id());
        acceptor.setDaemon(true);
    }

    /**
     * Opens the stub on {@code hostPort} ({@code [HOST:]PORT}; without HOST, loopback only) and
     * starts serving. Throws {@link DebugException} when the address is bad or taken.
     */
    public static GdbStub start(DomainDebugger debugger, String hostPort, PrintStream log) {
        InetSocketAddress address = parseAddress(hostPort);
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(address, 1);
        } catch (IOException e) {
            throw new DebugException("cannot listen on " + hostPort + ": " + e.getMessage());
        }
        GdbStub stub = new GdbStub(debugger, server, log);
        stub.acceptor.start();
        return stub;
    }

    static InetSocketAddress parseAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? null : hostPort.substring(0, colon);
        String portText = colon < 0 ? hostPort : hostPort.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new DebugException("'" + portText + "': not a port number");
        }
        if (port < 0 || port > 65535) {
            throw new DebugException("'" + portText + "': ports are 0-65535");
        }
        try {
            return host == null || host.isEmpty() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                    : new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new DebugException("'" + host + "': unknown host");
        }
    }

    /** The port the stub listens on (the one given, or the system's choice for port 0). */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try (Socket socket = server.accept()) {
                socket.setTcpNoDelay(true);
                log.println("txl: gdb connected from " + socket.getRemoteSocketAddress());
                serve(new GdbConnection(socket.getInputStream(), socket.getOutputStream()));
            } catch (IOException e) {
                if (!closed) {
                    log.println("txl: gdb connection failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(GdbConnection connection) throws IOException {
        BlockingQueue<GdbConnection.Event> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> connection.readInto(events), "gdb-reader");
        reader.setDaemon(true);
        reader.start();
        Consumer<X86DebugStop> stops = stop -> events.offer(new GdbConnection.Event.GuestStopped(stop));
        debugger.onStop(stops);
        try {
            answer(connection, events);
        } finally {
            debugger.removeStopListener(stops);
        }
    }

    /** Answers packets and reports stops until the debugger detaches, kills or goes away. */
    private void answer(GdbConnection connection, BlockingQueue<GdbConnection.Event> events) throws IOException {
        Domain domain = debugger.domain();
        domain.onStop(() -> events.offer(new GdbConnection.Event.GuestStopped(null)));
        if (!debugger.isStopped()) {
            debugger.pause();
        }
        GdbSession session = new GdbSession(debugger, connection);
        boolean running = false;
        while (true) {
            GdbConnection.Event event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                return;
            }
            switch (event) {
                case GdbConnection.Event.Closed closedEvent -> {
                    detachQuietly();
                    return;
                }
                case GdbConnection.Event.Interrupt interrupt -> {
                    if (running) {
                        session.interrupted();
                    }
                    if (running && debugger.pause() == null && domain.isDying()) {
                        connection.send(session.exitReply());
                        running = false;
                    }
                }
                case GdbConnection.Event.GuestStopped stopped -> {
                    if (running) {
                        if (stopped.stop() == null || domain.isDying()) {
                            connection.send(session.exitReply());
                        } else {
                            connection.send(session.stopReply((X86DebugStop) stopped.stop()));
                        }
                        running = false;
                    }
                }
                case GdbConnection.Event.Packet packet -> {
                    GdbSession.Reply reply = session.handle(packet.data());
                    if (reply.text() != null) {
                        connection.send(reply.text());
                    }
                    if (reply.resumed()) {
                        running = true;
                    }
                    if (reply.endsSession()) {
                        return;
                    }
                }
            }
        }
    }

    private void detachQuietly() {
        debugger.clearAll();
        debugger.resume();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
