package dev.trufflexen.launcher.host;

import dev.trufflexen.dom0.xenstore.DomainEntries;
import dev.trufflexen.dom0.xenstore.Xenstored;
import dev.trufflexen.dom0.xenstore.XsError;
import dev.trufflexen.launcher.config.DomainConfig;
import dev.trufflexen.xen.domain.Domain;

/**
 * What the toolstack does in xenstore for a new domain, as libxl does at create: writes its
 * {@code /local/domain/N} entries from the configuration, then introduces the domain to
 * xenstored so its ring is served (and released when the domain stops).
 */
public final class ToolstackStore {
    private ToolstackStore() {
    }

    public static void introduce(Xenstored xenstored, DomainConfig config, Domain domain) {
        long targetKiB = config.memoryMiB() << 10;
        long staticMaxKiB = config.maxmemMiB().orElse(config.memoryMiB()) << 10;
        DomainEntries entries = new DomainEntries(domain.id(), domain.name(), targetKiB, staticMaxKiB, domain.maxVcpus(),
                domain.consoleMfn(), domain.consolePort(), domain.xenstoreMfn(), domain.xenstorePort());
        try {
            entries.writeTo(xenstored.toolstack());
        } catch (XsError e) {
            throw new IllegalStateException("xenstore refused domain " + domain.id() + "'s entries: " + e.getMessage(), e);
        }
        xenstored.introduce(domain);
    }
}
