package dev.trufflexen.dom0.xenstore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import dev.trufflexen.xen.abi.XsWire;

/** One xenstore message: the header's type, req_id and tx_id, and its payload. */
public record XsMessage(int type, int reqId, int txId, byte[] payload) {
    /** A message whose payload is {@code strings}, each followed by a nul. */
    public static XsMessage of(int type, int reqId, int txId, String... strings) {
        return new XsMessage(type, reqId, txId, nulTerminated(strings));
    }

    static byte[] nulTerminated(String... strings) {
        StringBuilder text = new StringBuilder();
        for (String s : strings) {
            text.append(s).append('\0');
        }
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The nul-separated strings of the payload; a final piece without its nul counts too. */
    public List<String> strings() {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                out.add(new String(payload, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        if (start < payload.length) {
            out.add(new String(payload, start, payload.length - start, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** The payload as text without its trailing nul (a READ reply's value, an error's name). */
    public String text() {
        int end = payload.length;
        if (end > 0 && payload[end - 1] == 0) {
            end--;
        }
        return new String(payload, 0, end, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return XsWire.typeName(type) + " req " + Integer.toUnsignedString(reqId) + " tx " + Integer.toUnsignedString(txId)
                + " [" + text().replace('\0', '|') + "]";
    }
}
