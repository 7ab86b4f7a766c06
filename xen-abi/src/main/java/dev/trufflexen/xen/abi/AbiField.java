package dev.trufflexen.xen.abi;

/**
 * One field of an ABI structure, declared once with its C member designator, offset, type and
 * direction. The direction is seen from the hypervisor: {@link Direction#IN} fields are read
 * from the guest, {@link Direction#OUT} fields are written to it, and only OUT (or IN_OUT)
 * fields are ever copied back, so padding and input fields are never written.
 */
public record AbiField(AbiStruct struct, String member, int offset, AbiType type, Direction direction) {
    /** Which way a field's value flows. */
    public enum Direction {
        IN, OUT, IN_OUT;

        public boolean isOut() {
            return this != IN;
        }
    }

    public int size() {
        return type.size();
    }

    public int end() {
        return offset + type.size();
    }

    @Override
    public String toString() {
        return struct.cName() + "." + member;
    }
}
