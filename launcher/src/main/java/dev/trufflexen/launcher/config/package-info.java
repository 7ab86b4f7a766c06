/**
 * Reading xl.cfg domain configurations: the launcher's front door, built to hold against
 * hostile or careless input.
 *
 * <h2>The promise</h2>
 * Whatever the configuration, its files and the command line hold, {@code txl create} either
 * builds the domain or ends with exit status 64 or 65 and exactly one line,
 * {@code txl: error: WHERE: TOKEN: PROBLEM}, in bounded time and memory, with nothing built.
 * No Java failure, no hang, no message that points at the wrong thing. Two seeded fuzzers in the
 * test suite (configurations and kernel images) hold the code to it.
 *
 * <h2>How each part stays bounded</h2>
 * <ul>
 *   <li><b>Files are looked at before they are opened.</b> {@link ConfigFileText} reads the
 *       configuration's type and size with {@code stat}: a FIFO would block the open, a device
 *       never ends, a sparse file can claim gigabytes. Only regular files of at most 1 MiB are
 *       opened, and reading stops one byte past the limit whatever the size said. Kernel and
 *       ramdisk paths get the same {@code stat} check ({@link FileKind} names what they are).</li>
 *   <li><b>Syntax has limits.</b> {@link XlConfigLexer} refuses words and strings over 4096
 *       characters; {@link XlConfigParser} refuses lists nested over 16 deep, so its recursion
 *       has a fixed stack cost.</li>
 *   <li><b>Text is decoded strictly.</b> Invalid UTF-8 is reported at its line and column with the
 *       byte and its offset, rather than replaced or reported without a place.</li>
 *   <li><b>The host is asked before it is used.</b> {@link HostLimits} measures what the host has
 *       free ({@code MemAvailable}, a cgroup's {@code memory.max}), what the JVM can read
 *       into an array and what its heap can hold of the frame table; {@link DomainConfigReader}
 *       compares {@code memory} (a limit the guest may grow into) and the image sizes with them
 *       and names the setting at fault with the numbers.</li>
 *   <li><b>What is echoed is made printable.</b> Every piece of input a message quotes passes
 *       through {@link Printable}: control characters, escape sequences, invisible and
 *       direction-changing characters are escaped, and long tokens are cut with their length.
 *       A message cannot retitle the terminal, split into two lines or hide a trailing
 *       newline in a path.</li>
 * </ul>
 */
package dev.trufflexen.launcher.config;
