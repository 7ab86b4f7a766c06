package dev.trufflexen.launcher.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Runstate;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.memop.MemoryOpHypercall;

/** Requests that look without touching: list, vcpu-list, domid, domname, uptime, dmesg, info. */
final class DomainInfoRequests {
    private DomainInfoRequests() {
    }

    static void register(HostCommands commands) {
        commands.register("list", DomainInfoRequests::list);
        commands.register("vcpu-list", DomainInfoRequests::vcpuList);
        commands.register("domid", request -> DomainRequests.idAndName(request.domain()));
        commands.register("domname", request -> DomainRequests.idAndName(request.domain()));
        commands.register("uptime", DomainInfoRequests::uptime);
        commands.register("dmesg", DomainInfoRequests::dmesg);
        commands.register("info", DomainInfoRequests::info);
    }

    /**
     * Every domain, or the one named: name, id, memory and its limit (MiB), vCPUs, xl's state
     * letters, CPU time (ns).
     */
    private static JsonNode list(HostRequest request) throws HostError {
        ArrayNode domains = Json.array();
        if (request.args().has("domain")) {
            domains.add(row(request.domain()));
        } else {
            for (HostedDomain hosted : request.host().domains()) {
                domains.add(row(hosted));
            }
        }
        return domains;
    }

    private static ObjectNode row(HostedDomain hosted) {
        ObjectNode row = DomainRequests.idAndName(hosted);
        row.put("mem", hosted.memoryMiB());
        row.put("maxmem", hosted.life() == HostedDomain.Life.RELEASED ? 0
                : hosted.domain().part(MemoryOpHypercall.MEMORY).maxPages() >> 8);
        row.put("vcpus", hosted.domain().vcpus().size());
        row.put("state", hosted.stateLetters());
        row.put("cpu_ns", hosted.cpuNanos());
        row.put("uptime_ns", hosted.domain().systemTime());
        row.put("start_ns", hosted.startLatencyNanos());
        row.put("first_output_ns", hosted.firstOutputLatencyNanos());
        return row;
    }

    private static JsonNode vcpuList(HostRequest request) throws HostError {
        ArrayNode vcpus = Json.array();
        Iterable<HostedDomain> domains = request.args().has("domain")
                ? java.util.List.of(request.domain()) : request.host().domains();
        for (HostedDomain hosted : domains) {
            for (Vcpu vcpu : hosted.domain().vcpus()) {
                ObjectNode row = DomainRequests.idAndName(hosted);
                row.put("vcpu", vcpu.id());
                Runstate.Snapshot runstate = vcpu.runstate().snapshot();
                boolean stopped = hosted.domain().isDying();
                row.put("state", stopped ? "---" : vcpuState(runstate.state(), vcpu.isPaused()));
                row.put("cpu_ns", runstate.running());
                row.put("affinity", DomainTuningRequests.cpuList(vcpu.hardAffinity()));
                vcpus.add(row);
            }
        }
        return vcpus;
    }

    /** xl vcpu-list's state: running, blocked, paused. */
    private static String vcpuState(int runstate, boolean paused) {
        if (paused) {
            return "--p";
        }
        return runstate == Runstate.RUNNING ? "r--" : runstate == Runstate.BLOCKED ? "-b-" : "---";
    }

    private static JsonNode uptime(HostRequest request) throws HostError {
        ObjectNode result = Json.object();
        result.put("host_uptime_ns", request.host().uptimeNanos());
        ArrayNode domains = result.putArray("domains");
        Iterable<HostedDomain> chosen = request.args().has("domain")
                ? java.util.List.of(request.domain()) : request.host().domains();
        for (HostedDomain hosted : chosen) {
            ObjectNode row = DomainRequests.idAndName(hosted);
            row.put("uptime_ns", hosted.domain().systemTime());
            domains.add(row);
        }
        return result;
    }

    private static JsonNode dmesg(HostRequest request) {
        ArrayNode lines = Json.array();
        request.host().xen().console().lines().forEach(lines::add);
        return lines;
    }

    /** xl info's facts about the host and the hypervisor. */
    private static JsonNode info(HostRequest request) {
        Host host = request.host();
        XenHypervisor xen = host.xen();
        ObjectNode info = Json.object();
        info.put("host", hostName());
        info.put("release", System.getProperty("os.version"));
        info.put("machine", System.getProperty("os.arch"));
        info.put("nr_cpus", host.settings().pcpus());
        info.put("total_memory", xen.framePool().totalFrames() >> 8);
        info.put("free_memory", xen.framePool().freeFrames() >> 8);
        info.put("xen_major", XenHypervisor.XEN_MAJOR);
        info.put("xen_minor", XenHypervisor.XEN_MINOR);
        info.put("xen_extra", XenHypervisor.XEN_EXTRAVERSION);
        info.put("xen_caps", "xen-3.0-x86_64");
        info.put("xen_scheduler", xen.scheduler().config().kind().name().toLowerCase(java.util.Locale.ROOT));
        info.put("nr_domains", host.domains().size());
        info.put("host_uptime_ns", host.uptimeNanos());
        info.put("state_directory", host.settings().paths().stateDirectory().toString());
        info.put("pid", ProcessHandle.current().pid());
        info.put("java", System.getProperty("java.version"));
        info.put("truffle_runtime", dev.trufflexen.x86.TruffleRuntimeCheck.runtimeName());
        return info;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
