/**
 * Kernel image shapes: turning the file a user names in {@code kernel=} into the ELF the domain
 * builder loads, as Xen's libxenguest does before its ELF loader runs.
 *
 * <p>Three shapes reach the builder, tried in the order libxenguest tries them:
 *
 * <ol>
 * <li><b>A Linux bzImage</b> (what {@code /boot/vmlinuz-*} is): a real-mode boot sector and setup
 * code, then the protected-mode kernel, whose compressed ELF {@code vmlinux} sits at
 * {@code (setup_sects + 1) * 512 + payload_offset} for {@code payload_length} bytes (boot
 * protocol 2.08 and later; both fields live in the setup header at 0x1f1). The payload's first
 * bytes name its compressor: gzip, bzip2, xz, lzma, lzo (an lzop file), lz4 (the legacy lz4
 * frame format, {@code lz4 -l}) or zstd. Linux's build appends the uncompressed size as a
 * little-endian 32-bit word after every payload but gzip's, whose own trailer ends with the same
 * word; that word is the size the payload must decompress to.
 * <li><b>A gzip-compressed ELF</b> ({@code vmlinux.gz}, the way small PV kernels ship): the gzip
 * trailer's ISIZE is its size.
 * <li><b>A plain ELF</b>, handed over as it is.
 * </ol>
 *
 * <p>The image is untrusted and decompression is where a small file becomes a large one, so
 * every output is bounded before it is produced: the declared size must fit the domain's memory
 * (a kernel that does not fit cannot be loaded anyway), decompression stops as soon as the
 * output would exceed the declared size or the bound, and the result must have exactly the
 * declared size. A header whose payload runs past the file, a truncated or corrupt stream, a size
 * field that lies and a decompression bomb all end in a
 * {@link dev.trufflexen.xen.domain.DomainBuildException} naming the file and what was wrong, before
 * any frame is taken from the pool.
 *
 * <p>The decompressors are libraries (Apache Commons Compress for gzip and
 * bzip2, XZ for Java for xz and lzma, aircompressor for the lz4 and lzo blocks, zstd-jni (the
 * reference libzstd) for zstd, one-shot into a buffer of the declared size, as Xen does); this
 * package only reads the containers around them: the bzImage setup header, the legacy lz4 frame
 * (a magic word, then blocks each preceded by its compressed length) and the lzop header and
 * block list.
 */
package dev.trufflexen.xen.builder.image;
