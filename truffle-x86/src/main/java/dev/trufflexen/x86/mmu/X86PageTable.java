package dev.trufflexen.x86.mmu;

/** Bits of x86-64 page-table entries (4-level paging, NX enabled). */
public final class X86PageTable {
    public static final long PRESENT = 1L;
    public static final long WRITABLE = 1L << 1;
    public static final long USER = 1L << 2;
    public static final long WRITE_THROUGH = 1L << 3;
    public static final long CACHE_DISABLE = 1L << 4;
    public static final long ACCESSED = 1L << 5;
    public static final long DIRTY = 1L << 6;
    public static final long LARGE = 1L << 7;
    public static final long GLOBAL = 1L << 8;
    public static final long NO_EXECUTE = 1L << 63;
    /** Bits 12..51: the machine frame number shifted into place. */
    public static final long ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;
    /** A 1 GiB leaf's address bits below bit 30 (bit 12 is the large-page PAT bit). */
    static final long RESERVED_1G = 0x3FFF_E000L;
    /** A 2 MiB leaf's address bits below bit 21 (bit 12 is the large-page PAT bit). */
    static final long RESERVED_2M = 0x001F_E000L;

    private X86PageTable() {
    }

    /** True for a canonical 48-bit linear address. */
    public static boolean isCanonical(long linearAddress) {
        return (linearAddress << 16 >> 16) == linearAddress;
    }
}
