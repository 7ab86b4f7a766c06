package dev.trufflexen.launcher.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a configuration file's text, refusing what is not a small regular file of UTF-8.
 *
 * <p>The file's type and size are read with {@code stat} before it is opened: a FIFO would block
 * the open until a writer came, and a device such as {@code /dev/zero} never ends. Only regular
 * files of at most {@value #MAX_BYTES} bytes are opened, and reading stops one byte past the limit
 * whatever the size said (a file may grow, and some report a size of 0), so the cost is bounded.
 * Text that is not UTF-8 is reported at its line and column, with the byte at fault and its
 * offset in the file.
 */
final class ConfigFileText {
    /** xl.cfg files are a few hundred bytes; a megabyte is far beyond any real one. */
    static final int MAX_BYTES = 1 << 20;

    private ConfigFileText() {
    }

    static String read(Path file, String displayName) throws ConfigException {
        byte[] bytes;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw problem(displayName, "is " + FileKind.describe(file, attributes)
                        + ", not a domain configuration file (txl reads regular files only)");
            }
            if (attributes.size() > MAX_BYTES) {
                throw problem(displayName, "file of " + attributes.size() + " bytes is larger than the limit of "
                        + MAX_BYTES + " bytes for a domain configuration");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw problem(displayName, "no such file");
        } catch (AccessDeniedException e) {
            throw problem(displayName, "cannot read the file (permission denied)");
        } catch (IOException e) {
            throw problem(displayName, "cannot read the file: " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw problem(displayName, "file is larger than the limit of " + MAX_BYTES
                    + " bytes for a domain configuration");
        }
        return decode(bytes, displayName);
    }

    /** UTF-8 text, or an error at the first byte that is not. */
    static String decode(byte[] bytes, String displayName) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int column = new String(bytes, lineStart, offset - lineStart, StandardCharsets.UTF_8).length() + 1;
            throw new ConfigException(displayName, line, column, String.format("byte 0x%02x", bytes[offset] & 0xff),
                    "not valid UTF-8 (at byte offset " + offset + " of the file)");
        }
        return out.flip().toString();
    }

    private static ConfigException problem(String displayName, String problem) {
        return new ConfigException(displayName, 0, 0, null, problem);
    }
}
