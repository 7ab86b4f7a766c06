package dev.trufflexen.dom0.xenstore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One client of xenstored: a domain through its ring, or the toolstack in the same process. It
 * holds the client's watches and open transactions; replies and watch events go out through
 * {@link #send}. Every method runs under the daemon's lock.
 */
abstract class Connection {
    final Caller caller;
    final List<Watch> watches = new ArrayList<>();
    final Map<Integer, Transaction> transactions = new HashMap<>();
    private int nextTransaction = 1;

    Connection(int domid, boolean privileged) {
        this.caller = new Caller(domid, privileged);
    }

    int domid() {
        return caller.domid();
    }

    /** Queues a reply or watch event for the client. */
    abstract void send(XsMessage message);

    /** Queues a watch event; a client that reads none of them does not get more than its quota. */
    abstract void sendEvent(XsMessage event);

    int openTransaction(Transaction transaction) {
        int id;
        do {
            id = nextTransaction++;
            if (nextTransaction <= 0) {
                nextTransaction = 1;
            }
        } while (transactions.containsKey(id));
        transactions.put(id, transaction);
        return id;
    }

    /** Drops every watch and transaction (RESET_WATCHES, a ring reset). */
    void reset() {
        watches.clear();
        transactions.clear();
    }
}
