package dev.trufflexen.xen.hypercall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import dev.trufflexen.xen.abi.AbiField;
import dev.trufflexen.xen.abi.AbiStruct;

/**
 * One ABI structure copied in from a guest, read and written by its {@link AbiField}s. The
 * buffer is zeroed before every use, and {@link HypercallContext#copyOut} writes back only the
 * OUT fields, so neither padding nor stale host bytes ever reach the guest (Xen's XSA-122).
 * Instances are reused per vCPU: read what you need before the next use of the same layout.
 */
public final class GuestStruct {
    /** Little-endian views: a field is one load or store, not one per byte (the iret frame alone has eight). */
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final AbiStruct layout;
    final byte[] bytes;

    GuestStruct(AbiStruct layout) {
        this.layout = layout;
        this.bytes = new byte[layout.size()];
    }

    public AbiStruct layout() {
        return layout;
    }

    GuestStruct clear() {
        Arrays.fill(bytes, (byte) 0);
        return this;
    }

    /** The field's value, zero- or sign-extended as its C type reads. */
    public long get(AbiField field) {
        check(field);
        if (field.type().array()) {
            throw new IllegalArgumentException(field + " is an array");
        }
        int offset = field.offset();
        boolean signed = field.type().signed();
        return switch (field.size()) {
            case 1 -> signed ? bytes[offset] : bytes[offset] & 0xFFL;
            case 2 -> signed ? (short) SHORT.get(bytes, offset) : (short) SHORT.get(bytes, offset) & 0xFFFFL;
            case 4 -> signed ? (int) INT.get(bytes, offset) : (int) INT.get(bytes, offset) & 0xFFFF_FFFFL;
            case 8 -> (long) LONG.get(bytes, offset);
            default -> bytewise(offset, field.size(), signed);
        };
    }

    private long bytewise(int offset, int size, boolean signed) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        if (signed && size < 8) {
            int shift = 64 - size * 8;
            value = (value << shift) >> shift;
        }
        return value;
    }

    /** Stores the low bytes of {@code value} into the field. */
    public GuestStruct set(AbiField field, long value) {
        check(field);
        int offset = field.offset();
        switch (field.size()) {
            case 1 -> bytes[offset] = (byte) value;
            case 2 -> SHORT.set(bytes, offset, (short) value);
            case 4 -> INT.set(bytes, offset, (int) value);
            case 8 -> LONG.set(bytes, offset, value);
            default -> {
                for (int i = 0; i < field.size(); i++) {
                    bytes[offset + i] = (byte) (value >>> (8 * i));
                }
            }
        }
        return this;
    }

    /** A byte-array field: {@code value} then zeroes, NUL-terminated when it fits (a C string field). */
    public GuestStruct setString(AbiField field, byte[] value) {
        check(field);
        Arrays.fill(bytes, field.offset(), field.end(), (byte) 0);
        System.arraycopy(value, 0, bytes, field.offset(), Math.min(value.length, field.size() - 1));
        return this;
    }

    private void check(AbiField field) {
        if (field.struct() != layout) {
            throw new IllegalArgumentException(field + " is not a field of " + layout);
        }
    }
}
