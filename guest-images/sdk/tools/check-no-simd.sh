#!/bin/sh
# Fail if an ELF's code uses SSE/AVX/AVX-512 (xmm/ymm/zmm), MMX or x87:
# by register name, or by mnemonic for instructions without register
# operands (fld1, fninit, emms, ldmxcsr, fxsave, xsave...). TruffleXen
# guests built with the SDK use general registers only.
# Usage: check-no-simd.sh image.elf
set -eu
if objdump -d --no-show-raw-insn "$1" \
    | grep -E '%(x|y|z)mm[0-9]|%mm[0-7]|%st(\(|,|$)|:	(f[a-rt-z][a-z0-9]*|fs[a-z0-9]+|emms|ldmxcsr|stmxcsr|xsave[a-z0-9]*|xrstor[a-z0-9]*)( |$)'; then
    echo "$1: SIMD or x87 instructions found (listed above)" >&2
    exit 1
fi
