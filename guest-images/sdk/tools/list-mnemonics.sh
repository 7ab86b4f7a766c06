#!/bin/sh
# List the distinct instruction mnemonics in an ELF's code, one per line,
# with any prefixes (rep, lock, data16, segment overrides) kept in front.
# Data inside .text (the hypercall page) is skipped.
# Usage: list-mnemonics.sh image.elf
set -eu
objdump -d --no-show-raw-insn "$1" | awk -F'\t' '
    NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {
        n = split($2, w, " ")
        if (w[1] !~ /^[a-z]/) next
        m = ""
        i = 1
        while (i < n && w[i] ~ /^(rep|repz|repe|repnz|repne|lock|data16|addr32|cs|ds|es|ss|fs|gs|notrack|bnd)$/) {
            m = m w[i] " "
            i++
        }
        print m w[i]
    }' | sort -u
