package dev.trufflexen.xen.abi;

import java.util.ArrayList;
import java.util.List;

/**
 * The layout of one C structure of Xen's ABI: its C name, size and the offset of each field.
 *
 * <p>The Java core reads and writes guest-shared structures through the offset constants of the
 * layout classes ({@link StartInfo}, {@link SharedInfo}, ...); each of those classes also
 * describes itself as an {@code AbiStruct} so that a test can compile
 * {@code offsetof}/{@code sizeof} assertions against the guest SDK's C header: one source of
 * truth for both sides.
 */
public final class AbiStruct {
    /** One field: its C member designator (e.g. {@code console.domU.mfn}) and byte offset. */
    public record Field(String member, int offset) {
    }

    private final String cName;
    private final int size;
    private final List<Field> fields = new ArrayList<>();

    public AbiStruct(String cName, int size) {
        this.cName = cName;
        this.size = size;
    }

    public AbiStruct field(String member, int offset) {
        fields.add(new Field(member, offset));
        return this;
    }

    public String cName() {
        return cName;
    }

    public int size() {
        return size;
    }

    public List<Field> fields() {
        return List.copyOf(fields);
    }
}
