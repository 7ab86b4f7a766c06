package dev.trufflexen.xen.builder.image;

/**
 * A kernel file after its container is taken off: the ELF bytes and how they were packed.
 *
 * @param elf the ELF image (the file itself when it was a plain ELF)
 * @param shape what the file was, for logs: "ELF", "gzip-compressed ELF", "bzImage (xz payload)"
 */
public record KernelImage(byte[] elf, String shape) {
}
