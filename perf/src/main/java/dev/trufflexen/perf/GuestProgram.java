package dev.trufflexen.perf;

import java.util.HexFormat;

/**
 * The guest programs the benchmarks run, as x86-64 machine code with its assembly alongside.
 * Each is one loop that runs RBX times and then executes {@code hlt}; {@link GuestMachine#run}
 * sets RBX, RSI (data) and RDI (the function at {@link #FUNCTION_OFFSET}) before starting at
 * offset 0. {@link #instructionsPerIteration} counts every instruction of the loop body,
 * the closing {@code dec}/{@code jnz} included.
 */
public enum GuestProgram {
    /** xen_version(XENVER_version) through {@code syscall}, as a PV kernel's hypercall page does. */
    NULL_HYPERCALL(5, """
            b8 11 00 00 00             # 00: mov eax, 17          ; __HYPERVISOR_xen_version
            31 ff                      # 05: xor edi, edi         ; XENVER_version
            0f 05                      # 07: syscall
            48 ff cb                   # 09: dec rbx
            75 f2                      # 0c: jnz 00
            f4                         # 0e: hlt
            """),

    /**
     * Eight loads per iteration from eight data pages (all TLB hits after the first pass), at an
     * offset in the page that moves by 8 bytes each iteration so the addresses vary; summed into
     * RAX so none of them is dead.
     */
    TLB_HIT(12, """
            48 03 84 16 00 00 00 00    # 00: add rax, [rsi+rdx+0x0000]
            48 03 84 16 00 10 00 00    # 08: add rax, [rsi+rdx+0x1000]
            48 03 84 16 00 20 00 00    # 10: add rax, [rsi+rdx+0x2000]
            48 03 84 16 00 30 00 00    # 18: add rax, [rsi+rdx+0x3000]
            48 03 84 16 00 40 00 00    # 20: add rax, [rsi+rdx+0x4000]
            48 03 84 16 00 50 00 00    # 28: add rax, [rsi+rdx+0x5000]
            48 03 84 16 00 60 00 00    # 30: add rax, [rsi+rdx+0x6000]
            48 03 84 16 00 70 00 00    # 38: add rax, [rsi+rdx+0x7000]
            83 c2 08                   # 40: add edx, 8
            81 e2 f8 0f 00 00          # 43: and edx, 0xff8
            48 ff cb                   # 49: dec rbx
            75 b2                      # 4c: jnz 00
            f4                         # 4e: hlt
            """),

    /** An indirect call through RDI to a two-instruction function: every call and return leaves its region. */
    REGION_DISPATCH(5, """
            ff d7                      # 00: call rdi             ; rdi = FUNCTION_OFFSET
            48 ff cb                   # 02: dec rbx
            75 f9                      # 05: jnz 00
            f4                         # 07: hlt
            """, """
            48 ff c0                   # 100: inc rax
            c3                         # 103: ret
            """),

    /** Straight-line integer work: add, xor, lea, shift. */
    INTEGER_LOOP(7, """
            48 01 d8                   # 00: add rax, rbx
            48 31 c2                   # 03: xor rdx, rax
            48 8d 0c 50                # 06: lea rcx, [rax+rdx*2]
            48 c1 e9 03                # 0a: shr rcx, 3
            48 01 ce                   # 0e: add rsi, rcx
            48 ff cb                   # 11: dec rbx
            75 ea                      # 14: jnz 00
            f4                         # 16: hlt
            """);

    /** Where a program's function (if any) starts, from the start of its code. */
    public static final int FUNCTION_OFFSET = 0x100;

    /** Loads per iteration of {@link #TLB_HIT}. */
    public static final int TLB_LOADS_PER_ITERATION = 8;

    private final int instructionsPerIteration;
    private final byte[] code;

    GuestProgram(int instructionsPerIteration, String main) {
        this(instructionsPerIteration, main, "");
    }

    GuestProgram(int instructionsPerIteration, String main, String function) {
        this.instructionsPerIteration = instructionsPerIteration;
        byte[] mainBytes = assemble(main);
        byte[] functionBytes = assemble(function);
        this.code = new byte[functionBytes.length == 0 ? mainBytes.length : FUNCTION_OFFSET + functionBytes.length];
        System.arraycopy(mainBytes, 0, code, 0, mainBytes.length);
        System.arraycopy(functionBytes, 0, code, code.length - functionBytes.length, functionBytes.length);
    }

    /** Hex bytes, one instruction a line, with {@code #} comments. */
    private static byte[] assemble(String listing) {
        StringBuilder hex = new StringBuilder();
        for (String line : listing.split("\n")) {
            int comment = line.indexOf('#');
            hex.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(hex);
    }

    public byte[] code() {
        return code.clone();
    }

    public int instructionsPerIteration() {
        return instructionsPerIteration;
    }
}
