#!/bin/sh
# Fail if an ELF's code uses vector or floating-point state the guest did not
# ask for. Usage: check-no-simd.sh [--fpu] image.elf
#
# Default (general registers only): any SSE/AVX/AVX-512 (xmm/ymm/zmm), MMX or
# x87 use, by register name or by mnemonic for instructions without register
# operands (fld1, fninit, emms, ldmxcsr, fxsave, xsave...).
#
# --fpu (a guest built with SDK_FPU := yes, i.e. -march=x86-64): x87 and
# SSE/SSE2 on XMM registers are allowed; still rejected are ymm/zmm, MMX and
# AVX-512 mask registers, VEX/EVEX-encoded instructions (AVX: v-prefixed
# mnemonics on vector registers), SSE3/SSSE3/SSE4/AES/SHA/CLMUL instructions,
# emms, and xsave/xrstor.
set -eu
fpu=no
if [ "${1:-}" = "--fpu" ]; then
    fpu=yes
    shift
fi

if [ "$fpu" = no ]; then
    if objdump -d --no-show-raw-insn "$1" \
        | grep -E '%(x|y|z)mm[0-9]|%mm[0-7]|%st(\(|,|$)|:	(f[a-rt-z][a-z0-9]*|fs[a-z0-9]+|emms|ldmxcsr|stmxcsr|xsave[a-z0-9]*|xrstor[a-z0-9]*)( |$)'; then
        echo "$1: SIMD or x87 instructions found (listed above)" >&2
        exit 1
    fi
    exit 0
fi

# Mnemonics of SSE3 and later that operate on XMM registers (an -march=x86-64
# build never emits them), then AVX and anything else beyond SSE2.
beyond_sse2='addsubp[sd]|hadd[a-z]*|hsub[a-z]*|movddup|movs[hl]dup|lddqu|monitor|mwait'
beyond_sse2="$beyond_sse2"'|pshufb|phadd[a-z]*|phsub[a-z]*|pmaddubsw|pmulhrsw|psign[bwd]|pabs[bwd]|palignr'
beyond_sse2="$beyond_sse2"'|pblend[a-z]*|blend[a-z]*|dpp[sd]|insertps|extractps|mpsadbw|phminposuw|pmuldq|pmulld'
beyond_sse2="$beyond_sse2"'|pm(in|ax)(sb|sd|uw|ud)|pmov[sz]x[a-z]*|ptest|packusdw|pcmpeqq|pcmpgtq|pcmp[ei]str[im]'
beyond_sse2="$beyond_sse2"'|round[sp][sd]|pinsr[bdq]|pextr[bdq]|movntdqa|aes[a-z]*|pclmul[a-z]*|sha(1|256)[a-z0-9]*'
if objdump -d --no-show-raw-insn "$1" \
    | grep -E '%(y|z)mm[0-9]|%mm[0-7]|%k[0-7]|:	v[a-z0-9]+ +.*%[xyz]mm|:	('"$beyond_sse2"'|emms|xsave[a-z0-9]*|xrstor[a-z0-9]*)( |$)'; then
    echo "$1: instructions beyond x87 and SSE2 found (listed above)" >&2
    exit 1
fi
