package dev.trufflexen.launcher.host;

import java.util.BitSet;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.SchedulingParameters;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.mm.DomainMemory;
import dev.trufflexen.xen.memop.MemoryOpHypercall;

/**
 * Requests that adjust a running domain: vcpu-set, vcpu-pin, mem-set, mem-max, sched-credit,
 * sched-bvt. Each checks its arguments as xl and libxl do and says what is wrong with which
 * domain.
 */
final class DomainTuningRequests {
    /** libxl's LIBXL_MAXMEM_CONSTANT: KiB above the target that max_pages allows. */
    private static final long MAXMEM_SLACK_KIB = DomainMemory.MAXMEM_SLACK_PAGES * 4;

    private DomainTuningRequests() {
    }

    static void register(HostCommands commands) {
        commands.register("vcpu-set", DomainTuningRequests::vcpuSet);
        commands.register("vcpu-pin", DomainTuningRequests::vcpuPin);
        commands.register("mem-set", DomainTuningRequests::memSet);
        commands.register("mem-max", DomainTuningRequests::memMax);
        commands.register("sched-credit", DomainTuningRequests::schedCredit);
        commands.register("sched-bvt", DomainTuningRequests::schedBvt);
    }

    /**
     * xl vcpu-set: the number of online vCPUs, 1 to the domain's vCPUs. Changing it needs
     * VCPUOP_up/down in the core; until then a count other than the present one is refused.
     */
    private static JsonNode vcpuSet(HostRequest request) throws HostError {
        HostedDomain hosted = DomainRequests.running(request.domain());
        long count = request.number("count").orElseThrow(() -> new HostError("vcpu-set: argument 'count' is missing"));
        int max = hosted.domain().vcpus().size();
        if (count < 1) {
            throw new HostError("domain '" + hosted.name() + "': cannot set " + count
                    + " vCPUs online: at least one must stay online");
        }
        if (count > max) {
            throw new HostError("domain '" + hosted.name() + "': requested " + count + " VCPUs, however maxcpus is "
                    + max + "!");
        }
        if (count != max) {
            throw new HostError("domain '" + hosted.name() + "': taking vCPUs offline is not supported by this core");
        }
        return DomainRequests.idAndName(hosted);
    }

    /** xl vcpu-pin DOMAIN VCPU|all CPUS: records each vCPU's hard affinity for the scheduler. */
    private static JsonNode vcpuPin(HostRequest request) throws HostError {
        HostedDomain hosted = DomainRequests.running(request.domain());
        String which = request.text("vcpu");
        BitSet pcpus = parseCpuList(request.text("cpus"), request.host().settings().pcpus());
        Domain domain = hosted.domain();
        if (which.equals("all")) {
            for (Vcpu vcpu : domain.vcpus()) {
                vcpu.setHardAffinity(pcpus);
            }
        } else {
            int id = parseVcpu(hosted, which);
            domain.vcpus().get(id).setHardAffinity(pcpus);
        }
        ObjectNode result = DomainRequests.idAndName(hosted);
        result.put("affinity", cpuList(pcpus));
        return result;
    }

    private static int parseVcpu(HostedDomain hosted, String which) throws HostError {
        int count = hosted.domain().vcpus().size();
        if (!which.matches("[0-9]{1,9}")) {
            throw new HostError("domain '" + hosted.name() + "': invalid vCPU '" + which + "' (a number or all)");
        }
        int id = Integer.parseInt(which);
        if (id >= count) {
            throw new HostError("domain '" + hosted.name() + "' has no vCPU " + id + " (it has " + count + ")");
        }
        return id;
    }

    /**
     * A CPU list as xl writes it: {@code all}, or comma-separated CPUs and ranges
     * ({@code 0-3,6}), each may be {@code ^N} to leave out. Empty set: all.
     */
    static BitSet parseCpuList(String text, int pcpus) throws HostError {
        BitSet set = new BitSet();
        if (text.equals("all")) {
            return set;
        }
        BitSet excluded = new BitSet();
        for (String part : text.split(",", -1)) {
            boolean exclude = part.startsWith("^");
            String range = exclude ? part.substring(1) : part;
            if (!range.matches("[0-9]{1,6}(-[0-9]{1,6})?")) {
                throw new HostError("invalid CPU list '" + text + "': '" + part + "' is not a CPU or a range");
            }
            String[] ends = range.split("-");
            int first = Integer.parseInt(ends[0]);
            int last = ends.length == 2 ? Integer.parseInt(ends[1]) : first;
            if (last < first) {
                throw new HostError("invalid CPU list '" + text + "': range " + range + " runs backwards");
            }
            if (last >= pcpus) {
                throw new HostError("CPU " + last + " is out of range: this host has " + pcpus
                        + " physical CPUs (0-" + (pcpus - 1) + ")");
            }
            (exclude ? excluded : set).set(first, last + 1);
        }
        if (set.isEmpty()) {
            set.set(0, pcpus);
        }
        set.andNot(excluded);
        if (set.isEmpty()) {
            throw new HostError("CPU list '" + text + "' leaves no CPU to run on");
        }
        if (set.cardinality() == pcpus) {
            set.clear();
        }
        return set;
    }

    /** The affinity as xl prints it: {@code all} or a list of CPUs and ranges. */
    static String cpuList(BitSet set) {
        if (set.isEmpty()) {
            return "all";
        }
        StringBuilder text = new StringBuilder();
        for (int first = set.nextSetBit(0); first >= 0; first = set.nextSetBit(set.nextClearBit(first))) {
            int last = set.nextClearBit(first) - 1;
            text.append(text.isEmpty() ? "" : ",").append(first);
            if (last > first) {
                text.append('-').append(last);
            }
        }
        return text.toString();
    }

    /**
     * xl mem-set: the target must not pass the domain's static maximum; as libxl enforces, the
     * domain's max_pages becomes the target plus 1 MiB, and the target goes to the domain's
     * {@code memory/target} in xenstore, where a balloon driver reads it; a guest without one
     * keeps what it has, and cannot allocate beyond the new limit.
     */
    private static JsonNode memSet(HostRequest request) throws HostError {
        HostedDomain hosted = DomainRequests.running(request.domain());
        long targetKiB = positiveKiB(request, hosted);
        if (targetKiB > hosted.staticMaxKiB()) {
            throw new HostError("domain '" + hosted.name() + "': memory_dynamic_max must be less than or equal to "
                    + "memory_static_max (" + targetKiB / 1024 + " MiB asked, the maximum is "
                    + hosted.staticMaxKiB() / 1024 + " MiB; see mem-max)");
        }
        memory(hosted).setMaxPages((targetKiB + MAXMEM_SLACK_KIB) / 4);
        hosted.setTargetKiB(targetKiB);
        writeMemoryNode(request, hosted, "target", targetKiB);
        return memoryResult(hosted);
    }

    /** xl mem-max: the static maximum, at least the current target; max_pages becomes it plus 1 MiB. */
    private static JsonNode memMax(HostRequest request) throws HostError {
        HostedDomain hosted = DomainRequests.running(request.domain());
        long maxKiB = positiveKiB(request, hosted);
        if (maxKiB < hosted.targetKiB()) {
            throw new HostError("domain '" + hosted.name() + "': memory_static_max must be greater than or equal to "
                    + "memory_dynamic_max (" + maxKiB / 1024 + " MiB asked, the target is "
                    + hosted.targetKiB() / 1024 + " MiB)");
        }
        memory(hosted).setMaxPages((maxKiB + MAXMEM_SLACK_KIB) / 4);
        hosted.setStaticMaxKiB(maxKiB);
        writeMemoryNode(request, hosted, "static-max", maxKiB);
        return memoryResult(hosted);
    }

    /** memory/target or memory/static-max of the domain, in KiB, as libxl writes them. */
    private static void writeMemoryNode(HostRequest request, HostedDomain hosted, String leaf, long kib) throws HostError {
        try {
            request.host().xenstored().toolstack().write("/local/domain/" + hosted.id() + "/memory/" + leaf,
                    Long.toString(kib));
        } catch (dev.trufflexen.dom0.xenstore.XsError e) {
            throw new HostError("domain '" + hosted.name() + "': xenstore refused memory/" + leaf + ": " + e.getMessage());
        }
    }

    private static long positiveKiB(HostRequest request, HostedDomain hosted) throws HostError {
        OptionalLong kib = request.number("memory_kib");
        if (kib.isEmpty() || kib.getAsLong() <= 0) {
            throw new HostError("domain '" + hosted.name() + "': the memory size must be positive");
        }
        return kib.getAsLong();
    }

    private static DomainMemory memory(HostedDomain hosted) {
        return hosted.domain().part(MemoryOpHypercall.MEMORY);
    }

    private static JsonNode memoryResult(HostedDomain hosted) {
        ObjectNode result = DomainRequests.idAndName(hosted);
        result.put("target_kib", hosted.targetKiB());
        result.put("static_max_kib", hosted.staticMaxKiB());
        result.put("max_pages", memory(hosted).maxPages());
        return result;
    }

    /**
     * xl sched-credit [-d DOMAIN [-w WEIGHT] [-c CAP]]: shows every domain's weight and cap, or
     * sets them. Weight 1-65535; cap 0 (none) to 100 per vCPU.
     */
    private static JsonNode schedCredit(HostRequest request) throws HostError {
        if (!request.args().has("domain")) {
            return schedTable(request.host());
        }
        HostedDomain hosted = DomainRequests.running(request.domain());
        Domain domain = hosted.domain();
        SchedulingParameters now = domain.schedulingParameters();
        long weight = request.number("weight").orElse(now.weight());
        long cap = request.number("cap").orElse(now.cap());
        if (weight < 1 || weight > SchedulingParameters.MAX_WEIGHT) {
            throw new HostError("domain '" + hosted.name() + "': Cpu weight out of range, valid values are within "
                    + "range from 1 to " + SchedulingParameters.MAX_WEIGHT);
        }
        int maxCap = domain.vcpus().size() * 100;
        if (cap < 0 || cap > maxCap) {
            throw new HostError("domain '" + hosted.name() + "': Cpu cap out of range, valid range is from 0 to "
                    + maxCap + " for specified number of vcpus");
        }
        domain.setSchedulingParameters(now.withCredit((int) weight, (int) cap));
        return schedRow(hosted);
    }

    /**
     * The BVT parameters (as xm sched-bvt): mcuadv (at least 1), warpback (0 or 1), warpvalue,
     * warpl and warpu (nanoseconds, not negative).
     */
    private static JsonNode schedBvt(HostRequest request) throws HostError {
        if (!request.args().has("domain")) {
            return schedTable(request.host());
        }
        HostedDomain hosted = DomainRequests.running(request.domain());
        Domain domain = hosted.domain();
        SchedulingParameters now = domain.schedulingParameters();
        long mcuAdvance = request.number("mcuadv").orElse(now.mcuAdvance());
        long warpBack = request.number("warpback").orElse(now.warpBack() ? 1 : 0);
        long warpValue = request.number("warpvalue").orElse(now.warpValue());
        long warpLimit = request.number("warpl").orElse(now.warpLimitNs());
        long unwarp = request.number("warpu").orElse(now.unwarpNs());
        if (mcuAdvance < 1 || mcuAdvance > Integer.MAX_VALUE) {
            throw new HostError("domain '" + hosted.name() + "': mcuadv must be at least 1, not " + mcuAdvance);
        }
        if (warpBack != 0 && warpBack != 1) {
            throw new HostError("domain '" + hosted.name() + "': warpback must be 0 or 1, not " + warpBack);
        }
        if (warpValue < 0 || warpLimit < 0 || unwarp < 0) {
            throw new HostError("domain '" + hosted.name() + "': warpvalue, warpl and warpu must not be negative");
        }
        domain.setSchedulingParameters(now.withBvt((int) mcuAdvance, warpBack == 1, warpValue, warpLimit, unwarp));
        return schedRow(hosted);
    }

    private static JsonNode schedTable(Host host) {
        ArrayNode rows = Json.array();
        for (HostedDomain hosted : host.domains()) {
            rows.add(schedRow(hosted));
        }
        return rows;
    }

    private static ObjectNode schedRow(HostedDomain hosted) {
        SchedulingParameters p = hosted.domain().schedulingParameters();
        ObjectNode row = DomainRequests.idAndName(hosted);
        row.put("weight", p.weight());
        row.put("cap", p.cap());
        row.put("mcuadv", p.mcuAdvance());
        row.put("warpback", p.warpBack() ? 1 : 0);
        row.put("warpvalue", p.warpValue());
        row.put("warpl", p.warpLimitNs());
        row.put("warpu", p.unwarpNs());
        return row;
    }
}
