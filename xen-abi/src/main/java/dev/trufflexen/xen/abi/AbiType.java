package dev.trufflexen.xen.abi;

/**
 * The C type of one ABI field: its width in bytes and how a value of it reads (unsigned,
 * signed, or an array of bytes).
 *
 * @param cName the C type as the header spells it, for messages
 * @param size width in bytes
 * @param signed true for a signed integer (read with sign extension)
 * @param array true for a byte array (read and written as bytes, never as a number)
 */
public record AbiType(String cName, int size, boolean signed, boolean array) {
    public static final AbiType U8 = new AbiType("uint8_t", 1, false, false);
    public static final AbiType U16 = new AbiType("uint16_t", 2, false, false);
    public static final AbiType U32 = new AbiType("uint32_t", 4, false, false);
    public static final AbiType U64 = new AbiType("uint64_t", 8, false, false);
    public static final AbiType S8 = new AbiType("int8_t", 1, true, false);
    public static final AbiType S32 = new AbiType("int32_t", 4, true, false);
    public static final AbiType S64 = new AbiType("int64_t", 8, true, false);
    /** {@code unsigned long}, {@code xen_pfn_t}, {@code xen_ulong_t}: 64 bits on x86-64. */
    public static final AbiType ULONG = new AbiType("unsigned long", 8, false, false);

    public AbiType {
        if (size <= 0 || (!array && size != 1 && size != 2 && size != 4 && size != 8)) {
            throw new IllegalArgumentException("bad ABI type size " + size);
        }
    }

    /** {@code char[n]} or {@code uint8_t[n]}. */
    public static AbiType bytes(int n) {
        return new AbiType("char[" + n + "]", n, false, true);
    }
}
