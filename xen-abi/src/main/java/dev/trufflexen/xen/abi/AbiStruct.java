package dev.trufflexen.xen.abi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The layout of one C structure of Xen's ABI: its C name, size and its fields, each declared
 * once as an {@link AbiField} with width and direction:
 *
 * <pre>
 * public static final AbiStruct LAYOUT = new AbiStruct("struct evtchn_send", 4);
 * public static final AbiField PORT = LAYOUT.in(AbiType.U32, "port", 0);
 * </pre>
 *
 * <p>Hypercall handlers copy a structure in and its OUT fields back through these declarations
 * ({@code dev.trufflexen.xen.hypercall.GuestStruct}); {@link AbiCatalog} finds every layout by
 * reflection and a test compiles {@code offsetof}/{@code sizeof} assertions for each field
 * against the guest SDK's C header.
 */
public final class AbiStruct {
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final String cName;
    private final int size;
    private final int id = NEXT_ID.getAndIncrement();
    private final List<AbiField> fields = new ArrayList<>();

    public AbiStruct(String cName, int size) {
        this.cName = cName;
        this.size = size;
    }

    public AbiField in(AbiType type, String member, int offset) {
        return add(type, member, offset, AbiField.Direction.IN);
    }

    public AbiField out(AbiType type, String member, int offset) {
        return add(type, member, offset, AbiField.Direction.OUT);
    }

    public AbiField inOut(AbiType type, String member, int offset) {
        return add(type, member, offset, AbiField.Direction.IN_OUT);
    }

    private synchronized AbiField add(AbiType type, String member, int offset, AbiField.Direction direction) {
        if (offset < 0 || offset + type.size() > size) {
            throw new IllegalArgumentException(cName + "." + member + " at " + offset + " does not fit in " + size + " bytes");
        }
        for (AbiField other : fields) {
            if (offset < other.end() && other.offset() < offset + type.size()) {
                throw new IllegalArgumentException(cName + "." + member + " overlaps " + other.member());
            }
        }
        AbiField field = new AbiField(this, member, offset, type, direction);
        fields.add(field);
        return field;
    }

    public String cName() {
        return cName;
    }

    public int size() {
        return size;
    }

    /** A small dense number for per-layout caches (a vCPU's reusable struct buffers). */
    public int id() {
        return id;
    }

    public synchronized List<AbiField> fields() {
        return List.copyOf(fields);
    }

    @Override
    public String toString() {
        return cName;
    }
}
