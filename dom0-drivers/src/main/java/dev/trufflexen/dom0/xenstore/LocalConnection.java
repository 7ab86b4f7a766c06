package dev.trufflexen.dom0.xenstore;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * A client in the host process (the toolstack, or a test acting as a domain): replies are kept
 * for the caller to take, watch events go to a listener (outside the daemon's lock) or queue.
 */
final class LocalConnection extends Connection {
    private final Deque<XsMessage> replies = new ArrayDeque<>();
    private final Deque<XsMessage> events = new ArrayDeque<>();
    private final int eventLimit;
    volatile Consumer<XsMessage> listener;

    LocalConnection(int domid, boolean privileged, int eventLimit) {
        super(domid, privileged);
        this.eventLimit = eventLimit;
    }

    @Override
    void send(XsMessage message) {
        replies.add(message);
    }

    @Override
    void sendEvent(XsMessage event) {
        if (events.size() < eventLimit) {
            events.add(event);
        }
    }

    XsMessage takeReply() {
        return replies.poll();
    }

    XsMessage takeEvent() {
        return events.poll();
    }
}
