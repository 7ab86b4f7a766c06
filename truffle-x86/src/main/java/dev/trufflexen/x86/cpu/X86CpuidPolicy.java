package dev.trufflexen.x86.cpu;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one CPUID policy of the TruffleXen CPU: which leaves exist and which feature bits are set,
 * each bit documented where it is set. It advertises only what this CPU implements, so a guest
 * that trusts CPUID never reaches an instruction that raises #UD here: no AVX/AVX2/AVX-512, no
 * XSAVE/OSXSAVE, no PCID/SMEP/SMAP/FSGSBASE, no RDRAND/RDSEED, no MONITOR/MWAIT, no VMX/SVM,
 * no TSC-deadline timer or x2APIC, no ADX/BMI, no AES/PCLMULQDQ/SHA/GFNI, no SSE4a.
 *
 * <p>Bits marked "SSE/x87 family" name instructions implemented in their own part of the CPU
 * (x87, SSE through SSE4.2, FXSAVE/FXRSTOR); they are advertised with them.
 *
 * <p>The vendor is AuthenticAMD: the CPU's behaviour is checked against an AMD host, and AMD's
 * rules (e.g. zeros for a leaf above the maximum) are the ones followed. The hypervisor range
 * 0x40000000-0x400000FF is empty here: the platform adds its leaves with {@link #with}.
 * Immutable; {@link #with} returns a copy.
 */
public final class X86CpuidPolicy {
    public static final int HYPERVISOR_BASE = 0x4000_0000;
    /** Architectural leaves whose ECX input selects a subleaf. */
    private static final Set<Integer> ARCHITECTURAL_SUBLEAF_LEAVES = Set.of(0x4, 0x7, 0xB, 0xD, 0xF, 0x10, 0x12, 0x14, 0x17, 0x18,
        0x1F, 0x8000_001D, 0x8000_0020);

    private static final X86CpuidPolicy STANDARD = buildStandard();

    private final Map<Long, int[]> leaves;
    private final Set<Integer> subleafLeaves;

    private X86CpuidPolicy(Map<Long, int[]> leaves, Set<Integer> subleafLeaves) {
        this.leaves = leaves;
        this.subleafLeaves = subleafLeaves;
    }

    /** What the TruffleXen CPU implements, with no hypervisor leaves. */
    public static X86CpuidPolicy standard() {
        return STANDARD;
    }

    /**
     * CPUID's result for EAX={@code leaf}, ECX={@code subleaf}: {eax, ebx, ecx, edx}. Leaves this
     * policy does not define (above the basic, extended or hypervisor maximum, or absent) read
     * as zeros; ECX is ignored for leaves without subleaves.
     */
    public int[] query(int leaf, int subleaf) {
        int[] regs = leaves.get(key(leaf, hasSubleaves(leaf) ? subleaf : 0));
        return regs == null ? new int[4] : regs.clone();
    }

    /**
     * A copy of this policy with leaf/subleaf set to {eax, ebx, ecx, edx} (added or replaced).
     * Giving a subleaf other than 0 makes ECX select subleaves of that leaf from then on.
     */
    public X86CpuidPolicy with(int leaf, int subleaf, int eax, int ebx, int ecx, int edx) {
        Map<Long, int[]> copy = new TreeMap<>(leaves);
        Set<Integer> subleaves = new HashSet<>(subleafLeaves);
        if (subleaf != 0) {
            subleaves.add(leaf);
        }
        copy.put(key(leaf, subleaves.contains(leaf) ? subleaf : 0), new int[] {eax, ebx, ecx, edx});
        return new X86CpuidPolicy(copy, Set.copyOf(subleaves));
    }

    /** Runs CPUID on {@code cpu}'s registers: EAX/ECX in, EAX/EBX/ECX/EDX out (zero-extended). */
    public void execute(X86Cpu cpu) {
        int[] r = query((int) cpu.reg(X86Reg.RAX), (int) cpu.reg(X86Reg.RCX));
        cpu.setReg(X86Reg.RAX, r[0] & 0xFFFF_FFFFL);
        cpu.setReg(X86Reg.RBX, r[1] & 0xFFFF_FFFFL);
        cpu.setReg(X86Reg.RCX, r[2] & 0xFFFF_FFFFL);
        cpu.setReg(X86Reg.RDX, r[3] & 0xFFFF_FFFFL);
    }

    private boolean hasSubleaves(int leaf) {
        return subleafLeaves.contains(leaf);
    }

    private static long key(int leaf, int subleaf) {
        return ((long) leaf << 32) | (subleaf & 0xFFFF_FFFFL);
    }

    private static int bit(int n) {
        return 1 << n;
    }

    private static X86CpuidPolicy buildStandard() {
        Map<Long, int[]> t = new TreeMap<>();
        int[] vendor = registerString("AuthenticAMD"); // EBX, EDX, ECX order below
        // Leaf 0: maximum basic leaf and vendor.
        t.put(key(0, 0), new int[] {0x7, vendor[0], vendor[2], vendor[1]});

        // Leaf 1: family 17h model 31h stepping 0 (a Zen 2 server part); EBX: CLFLUSH line size
        // 8 quadwords (64 bytes), one logical processor, initial APIC ID 0.
        int leaf1Ecx = bit(0) // SSE3 (SSE/x87 family)
                | bit(9) // SSSE3 (SSE/x87 family)
                | bit(13) // CMPXCHG16B
                | bit(19) // SSE4.1 (SSE/x87 family)
                | bit(20) // SSE4.2 (SSE/x87 family; CRC32 and PCMPxSTRx)
                | bit(22) // MOVBE
                | bit(23); // POPCNT
        int leaf1Edx = bit(0) // FPU: x87 (SSE/x87 family)
                | bit(2) // DE: debugging extensions (CR4.DE: DR4/DR5 #UD, I/O breakpoints for the platform)
                | bit(4) // TSC: RDTSC (the platform's virtual TSC)
                | bit(6) // PAE: 64-bit page tables
                | bit(8) // CX8: CMPXCHG8B
                | bit(15) // CMOV
                | bit(19) // CLFSH: CLFLUSH
                | bit(23) // MMX (SSE/x87 family)
                | bit(24) // FXSR: FXSAVE/FXRSTOR (SSE/x87 family)
                | bit(25) // SSE (SSE/x87 family)
                | bit(26); // SSE2 (SSE/x87 family)
        t.put(key(1, 0), new int[] {0x0083_0F10, 0x0001_0800, leaf1Ecx, leaf1Edx});

        // Leaf 7 subleaf 0: structured extended features; only subleaf 0 exists.
        int leaf7Ebx = bit(23) // CLFLUSHOPT
                | bit(24); // CLWB
        t.put(key(7, 0), new int[] {0, leaf7Ebx, 0, 0});

        // Extended leaves.
        t.put(key(0x8000_0000, 0), new int[] {0x8000_0008, vendor[0], vendor[2], vendor[1]});
        int extEcx = bit(0) // LAHF/SAHF in 64-bit mode
                | bit(5) // ABM: LZCNT (and POPCNT)
                | bit(7) // MisAlignSse: MXCSR bit 17 lets misaligned 16-byte SSE operands through
                | bit(8); // 3DNowPrefetch: PREFETCH/PREFETCHW (0F 0D)
        int extEdx = bit(0) // FPU (AMD mirrors leaf 1 EDX bits here; SSE/x87 family)
                | bit(4) // TSC
                | bit(6) // PAE
                | bit(8) // CX8
                | bit(11) // SYSCALL/SYSRET
                | bit(15) // CMOV
                | bit(20) // NX: no-execute pages
                | bit(23) // MMX (SSE/x87 family)
                | bit(24) // FXSR (SSE/x87 family)
                | bit(26) // Page1GB: 1 GiB pages in the page walk
                | bit(27) // RDTSCP
                | bit(29); // LM: long mode
        t.put(key(0x8000_0001, 0), new int[] {0x0083_0F10, 0, extEcx, extEdx});
        int[] brand = registerString(padded("TruffleXen x86-64 CPU", 48));
        for (int i = 0; i < 3; i++) {
            t.put(key(0x8000_0002 + i, 0), new int[] {brand[4 * i], brand[4 * i + 1], brand[4 * i + 2], brand[4 * i + 3]});
        }
        // 0x80000007 EDX bit 8: invariant TSC (the virtual TSC runs at a fixed rate).
        t.put(key(0x8000_0007, 0), new int[] {0, 0, 0, bit(8)});
        // 0x80000008 EAX: 48 linear address bits, 52 physical (what the page walk accepts).
        t.put(key(0x8000_0008, 0), new int[] {(48 << 8) | 52, 0, 0, 0});
        return new X86CpuidPolicy(t, ARCHITECTURAL_SUBLEAF_LEAVES);
    }

    private static String padded(String s, int length) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < length) {
            sb.append('\0');
        }
        return sb.toString();
    }

    /** A string as little-endian 32-bit register values, four characters each. */
    public static int[] registerString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        int[] regs = new int[(bytes.length + 3) / 4];
        for (int i = 0; i < bytes.length; i++) {
            regs[i / 4] |= (bytes[i] & 0xFF) << (8 * (i % 4));
        }
        return regs;
    }
}
