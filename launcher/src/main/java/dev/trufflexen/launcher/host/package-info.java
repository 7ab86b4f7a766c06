/**
 * The TruffleXen host: one long-lived process that holds every domain, and the protocol
 * {@code txl}, scripts and the monitor speak to it.
 *
 * <h2>Why one process</h2>
 * Xen is a resident hypervisor and {@code xl} a short-lived client. Here the resident part is a
 * JVM: one {@link dev.trufflexen.xen.XenHypervisor} (one Truffle engine, one code cache, one
 * frame pool) in a {@link dev.trufflexen.launcher.host.Host}. A domain costs its frames and
 * threads, not a JVM and a cold JIT, and a second domain running the same kernel starts on an
 * engine that has compiled that kind of code already.
 *
 * <h2>The toolstack's half of the life cycle</h2>
 * The core knows a domain from build to release; xl's decisions live here, as they live in xl
 * and libxl: ids come from the hypervisor, names are unique in the host, and when a domain
 * stops, {@link dev.trufflexen.launcher.host.HostedDomain#actionFor its xl.cfg action} (destroy,
 * restart, preserve, rename-restart; coredump-* as their plain forms) is applied on the
 * domain's own thread. A restart is a new domain from the same configuration, with a new id;
 * a preserved domain keeps its frames until {@code destroy}. A domain the toolstack destroys
 * is never restarted. Each domain runs on its own thread, so one domain's crash (a guest fault,
 * or a host bug reached by the guest, which {@code Domain.run} turns into a crash) ends only
 * that thread.
 *
 * <h2>The protocol</h2>
 * One JSON object per line over the Unix domain socket of the state directory
 * ({@link dev.trufflexen.launcher.host.HostPaths}); docs/HOST-PROTOCOL.md is the reference.
 * Requests are served by handlers in a registry ({@link dev.trufflexen.launcher.host.HostCommands}):
 * {@code DomainRequests}, {@code DomainInfoRequests} and {@code DomainTuningRequests} register
 * xl's commands, {@link dev.trufflexen.launcher.host.HostServer} the host's own, and another
 * package adds its commands the same way, without an edit here. A handler may turn its
 * connection into a byte stream after the reply ({@link dev.trufflexen.launcher.host.HostStream}),
 * as the console does.
 *
 * <h2>Bounded and clean</h2>
 * Request lines are at most 1 MiB; every refusal is a {@link dev.trufflexen.launcher.host.HostError}
 * naming the domain and the problem; an unexpected exception in a handler becomes an error reply
 * and a line in the hypervisor log, never the end of the host. The socket's directory is private
 * to the user.
 */
package dev.trufflexen.launcher.host;
