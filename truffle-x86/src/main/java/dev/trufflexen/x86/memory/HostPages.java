package dev.trufflexen.x86.memory;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Host address space taken from the operating system page by page, through libc's {@code mmap},
 * {@code madvise} and {@code munmap} (called with the JDK's foreign-function API).
 *
 * <p>A reservation is an anonymous private mapping with {@code MAP_NORESERVE}: the kernel hands
 * out no memory and commits no swap for it. A page costs host memory only from the first store to
 * it, and a page never stored to reads as zero (the kernel's shared zero page). {@link #discard}
 * gives pages back ({@code MADV_DONTNEED}); afterwards they read as zero again and cost nothing,
 * which is how machine memory is scrubbed. Transparent huge pages are refused for the mapping
 * ({@code MADV_NOHUGEPAGE}), so one guest store never commits 2 MiB.
 *
 * <p>The constants are Linux's; TruffleXen runs on Linux only.
 */
final class HostPages {
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MADV_DONTNEED = 4;
    private static final int MADV_NOHUGEPAGE = 15;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VALUE = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MMAP = libc("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MADVISE = libc("madvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MUNMAP = libc("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MINCORE = libc("mincore",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final int HOST_PAGE = 4096;
    /** Host pages asked about per mincore call, so its answer vector stays small. */
    private static final long MINCORE_CHUNK = 1L << 20;

    private HostPages() {
    }

    /**
     * Reserves {@code size} bytes of zero-reading host address space; returns its host address.
     *
     * @throws OutOfMemoryError when the host refuses the mapping (the errno says why)
     */
    static long reserve(long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long address = (long) MMAP.invokeExact(state, 0L, size, PROT_READ_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (address == -1L) {
                throw new OutOfMemoryError("mmap of " + (size >> 20) + " MiB failed: errno "
                        + (int) ERRNO_VALUE.get(state, 0L));
            }
            // Advice only: a kernel without transparent huge pages refuses it, which is what we want anyway.
            int ignored = (int) MADVISE.invokeExact(state, address, size, MADV_NOHUGEPAGE);
            return address;
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot call mmap", e);
        }
    }

    /**
     * Returns {@code [address, address + size)} (page-aligned) to the host: it reads as zero
     * afterwards and costs no host memory until stored to again. False when the host refused.
     */
    static boolean discard(long address, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) MADVISE.invokeExact(state, address, size, MADV_DONTNEED) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot call madvise", e);
        }
    }

    /**
     * How many 4 KiB pages of {@code [address, address + size)} (page-aligned) are resident in
     * host memory now ({@code mincore}): what the range costs the host.
     */
    static long residentPages(long address, long size) {
        long resident = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment vector = arena.allocate(MINCORE_CHUNK);
            for (long done = 0; done < size; done += MINCORE_CHUNK * HOST_PAGE) {
                long length = Math.min(size - done, MINCORE_CHUNK * HOST_PAGE);
                if ((int) MINCORE.invokeExact(state, address + done, length, vector.address()) != 0) {
                    throw new IllegalStateException("mincore failed: errno " + (int) ERRNO_VALUE.get(state, 0L));
                }
                long pages = (length + HOST_PAGE - 1) / HOST_PAGE;
                for (long i = 0; i < pages; i++) {
                    resident += vector.get(JAVA_BYTE, i) & 1;
                }
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot call mincore", e);
        }
        return resident;
    }

    /** Unmaps a reservation; nothing may touch it afterwards. */
    static void release(long address, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) MUNMAP.invokeExact(state, address, size) != 0) {
                throw new IllegalStateException("munmap failed: errno " + (int) ERRNO_VALUE.get(state, 0L));
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot call munmap", e);
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name + ": TruffleXen needs Linux"));
        return LINKER.downcallHandle(symbol, descriptor, ERRNO);
    }
}
