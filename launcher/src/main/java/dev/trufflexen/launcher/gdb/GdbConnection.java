package dev.trufflexen.launcher.gdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;

/**
 * The GDB remote protocol's framing on one connection: {@code $data#cs} packets with their
 * {@code +}/{@code -} acknowledgements until no-ack mode, {@code }}-escapes, and the lone
 * Ctrl-C byte (0x03) that asks a running target to stop. A reader thread turns the byte stream
 * into {@link Event}s, so the session can wait for a packet, an interrupt or a guest stop at once.
 */
final class GdbConnection {
    /** What the session waits for. */
    sealed interface Event {
        record Packet(String data) implements Event {
        }

        record Interrupt() implements Event {
        }

        record Closed() implements Event {
        }

        record GuestStopped(Object stop) implements Event {
        }
    }

    /** Longest packet accepted (the size announced in qSupported, plus slack). */
    static final int MAX_PACKET = 0x4000;

    private final InputStream in;
    private final OutputStream out;
    private volatile boolean noAck;

    GdbConnection(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    void setNoAck() {
        noAck = true;
    }

    /** Reads until the connection closes, putting every packet and interrupt on {@code events}. */
    void readInto(BlockingQueue<Event> events) {
        try {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == 0x03) {
                    events.put(new Event.Interrupt());
                } else if (c == '$') {
                    String packet = readPacket();
                    if (packet != null) {
                        events.put(new Event.Packet(packet));
                    }
                }
                // '+' and '-' acknowledge our packets; anything else between packets is noise.
            }
        } catch (IOException e) {
            // the debugger went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.offer(new Event.Closed());
    }

    /** The body of a packet after its '$', checked; null (and a '-') when the checksum is wrong. */
    private String readPacket() throws IOException {
        StringBuilder data = new StringBuilder();
        int sum = 0;
        int c;
        while ((c = in.read()) != '#') {
            if (c < 0) {
                throw new IOException("connection closed inside a packet");
            }
            if (data.length() > MAX_PACKET) {
                throw new IOException("packet too long");
            }
            sum += c;
            data.append((char) c);
        }
        int hi = Character.digit(in.read(), 16);
        int lo = Character.digit(in.read(), 16);
        boolean ok = hi >= 0 && lo >= 0 && (hi << 4 | lo) == (sum & 0xFF);
        if (!noAck) {
            synchronized (out) {
                out.write(ok ? '+' : '-');
                out.flush();
            }
        }
        return ok ? data.toString() : null;
    }

    /** Sends a packet (binary-safe: '#', '$', '}' and '*' are escaped). */
    void send(String data) throws IOException {
        StringBuilder framed = new StringBuilder(data.length() + 4).append('$');
        int sum = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '#' || c == '$' || c == '}' || c == '*') {
                framed.append('}');
                sum += '}';
                c ^= 0x20;
            }
            framed.append(c);
            sum += c;
        }
        framed.append('#').append(String.format("%02x", sum & 0xFF));
        synchronized (out) {
            out.write(framed.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    /** Undoes the '}' escapes of a binary packet's data (X). */
    static byte[] unescape(String data) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(data.length());
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '}' && i + 1 < data.length()) {
                bytes.write(data.charAt(++i) ^ 0x20);
            } else {
                bytes.write(c);
            }
        }
        return bytes.toByteArray();
    }
}
