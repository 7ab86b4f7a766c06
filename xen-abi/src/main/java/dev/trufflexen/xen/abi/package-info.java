/**
 * Xen's public headers in Java: one class per header (or per part of {@code xen.h}), every name
 * spelled as Xen spells it, every value Xen's.
 *
 * <h2>Declared once</h2>
 * A structure is an {@link dev.trufflexen.xen.abi.AbiStruct}; each of its fields is declared
 * exactly once as an {@link dev.trufflexen.xen.abi.AbiField} carrying its C member designator,
 * offset, {@link dev.trufflexen.xen.abi.AbiType type} (and so its width) and direction seen from
 * the hypervisor: IN fields are read from the guest, OUT fields written to it. The hypercall
 * machinery copies a structure in once and copies back only its OUT fields, so padding and input
 * fields are never written to a guest. Older code still reads a few layouts through their
 * {@code OFF_*} offset constants; the field declarations use those same constants, so each
 * offset is written down once.
 *
 * <h2>Checked both ways</h2>
 * {@link dev.trufflexen.xen.abi.AbiCatalog} finds every layout and constant by reflection. A
 * test compiles a {@code _Static_assert} for each (value, structure size, field offset, field
 * size) against the guest SDK's C headers, and a second test reads every {@code #define} and
 * {@code struct} of those headers and requires a Java twin, or an entry in
 * {@link dev.trufflexen.xen.abi.AbiCatalog#C_ONLY} with the reason there is none. A constant
 * added on either side without the other fails the build.
 *
 * <p>This package imports nothing of the core: it is the bottom layer.
 */
package dev.trufflexen.xen.abi;
