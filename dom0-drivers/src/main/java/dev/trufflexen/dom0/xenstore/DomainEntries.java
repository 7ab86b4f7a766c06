package dev.trufflexen.dom0.xenstore;

/**
 * The nodes the toolstack writes for a new domain under {@code /local/domain/N} (as libxl does
 * at create): the directory readable by the domain and owned by the toolstack, its name and id,
 * memory target and static maximum (KiB), one {@code cpu/N/availability} per vCPU, the
 * {@code control/} nodes the guest answers ({@code shutdown}, {@code feature-*}, {@code sysrq},
 * owned by the domain), the console's and store's ring and port, and empty {@code device/},
 * {@code data/}, {@code drivers/}, {@code feature/}, {@code attr/} and {@code error/}.
 */
public record DomainEntries(int domid, String name, long targetKiB, long staticMaxKiB, int vcpus, long consoleMfn,
        int consolePort, long storeMfn, int storePort) {

    /** Writes the entries in one transaction. */
    public void writeTo(XenstoreClient toolstack) throws XsError {
        String dom = XsPath.domainPath(domid);
        Permissions readOnly = Permissions.readableBy(0, domid);
        Permissions domainOwned = Permissions.owned(domid, Permissions.Access.NONE);
        for (int attempt = 0; ; attempt++) {
            int tx = toolstack.transactionStart();
            try {
                toolstack.rm(tx, dom);
                toolstack.write(tx, dom, "");
                toolstack.transactionEnd(tx, true);
                break;
            } catch (XsError e) {
                if (!e.errno().equals("EAGAIN") || attempt > 5) {
                    throw e;
                }
            }
        }
        toolstack.setPerms(dom, readOnly);
        toolstack.write(dom + "/name", name);
        toolstack.write(dom + "/domid", Integer.toString(domid));
        toolstack.write(dom + "/memory/static-max", Long.toString(staticMaxKiB));
        toolstack.write(dom + "/memory/target", Long.toString(targetKiB));
        for (int cpu = 0; cpu < vcpus; cpu++) {
            toolstack.write(dom + "/cpu/" + cpu + "/availability", "online");
        }
        toolstack.write(dom + "/control/platform-feature-multiprocessor-suspend", "1");
        toolstack.write(dom + "/control/platform-feature-xs_reset_watches", "1");
        for (String node : new String[] {"control/shutdown", "control/feature-poweroff", "control/feature-reboot",
            "control/feature-suspend", "control/sysrq", "data", "drivers", "feature", "attr", "error"}) {
            toolstack.write(dom + "/" + node, "");
            toolstack.setPerms(dom + "/" + node, domainOwned);
        }
        toolstack.mkdir(dom + "/device");
        toolstack.write(dom + "/console/ring-ref", Long.toString(consoleMfn));
        toolstack.write(dom + "/console/port", Integer.toString(consolePort));
        toolstack.write(dom + "/console/limit", "1048576");
        toolstack.write(dom + "/console/type", "xenconsoled");
        toolstack.write(dom + "/store/ring-ref", Long.toString(storeMfn));
        toolstack.write(dom + "/store/port", Integer.toString(storePort));
    }
}
