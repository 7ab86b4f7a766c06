# Finds a JDK >= 25 for TruffleXen's scripts. Source this file, then call find_jdk;
# on success it sets TXL_JAVA_HOME and TXL_COMPILER, otherwise it prints where it looked and
# returns 1.
#
# TXL_COMPILER says how the Graal compiler will run: "libgraal" for a GraalVM JDK, whose
# compiler is a native library compiled ahead of time (warm from the first compilation), or
# "jargraal" for any other JDK, which runs the Graal jars of the build (launcher/target/
# graal-compiler) and must warm them up itself. JAVA_HOME wins when set; otherwise a GraalVM
# JDK >= 25 found in the usual places is preferred to a newer stock JDK.

# True when the JDK at $1 carries libgraal (a GraalVM JDK).
txl_jdk_has_libgraal() {
    [ -f "$1/lib/libjvmcicompiler.so" ] || [ -f "$1/lib/libjvmcicompiler.dylib" ]
}

# True when Graal, run from the build's jars, is also the JVM's own top-tier JIT in place of C2
# (-XX:+UseJVMCICompiler): the default with jargraal; TXL_HOST_JIT=c2 keeps C2.
#
# Why: with C2 as the JVM's JIT, C2 compiles jargraal's own Java code like any other: hundreds of
# the compiler's methods in the first seconds of a JVM, on a C2 thread that competes with the
# guest's vCPU and with Truffle's compiler thread for the host's cores, while the compiler runs
# interpreted or in profiling C1 code until C2 is done. With Graal as the JVM's JIT, HotSpot
# compiles the JVMCI compiler's own methods with C1 alone, and every Java method the JVM
# compiles (TruffleXen's own code included) warms the same compiler the guest's compilations
# use. README (Benchmarks) has what each choice measured. A GraalVM JDK (libgraal) already works
# this way, with a compiler compiled ahead of time.
txl_graal_host_jit() {
    [ "${TXL_COMPILER:-}" = jargraal ] && [ "${TXL_HOST_JIT:-graal}" != c2 ]
}

# Prints, one per line, the JVM options that run the Graal JIT from the compiler jars in $1 (a
# module's target/graal-compiler) with Graal as the JVM's own JIT when txl_graal_host_jit says so:
# what bin/perf and bin/footprint start their JVMs with.
txl_graal_jvm_options() {
    printf '%s\n' -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI
    txl_host_jit_options
    printf '%s\n' "--upgrade-module-path=$1" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Xss16m
}

# Returns 1, saying why on stderr as program $1, when TXL_HOST_JIT is set to anything but graal or c2.
txl_check_host_jit() {
    case "${TXL_HOST_JIT:-graal}" in
        graal | c2) return 0 ;;
    esac
    printf '%s: error: TXL_HOST_JIT=%s: expected graal (the default) or c2\n' "$1" "$TXL_HOST_JIT" >&2
    return 1
}

# Prints the JVM option that makes Graal the JVM's own JIT when txl_graal_host_jit says so (after
# -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI on the command line), nothing otherwise.
txl_host_jit_options() {
    if txl_graal_host_jit; then
        echo -XX:+UseJVMCICompiler
    fi
}

txl_set_compiler() {
    if txl_jdk_has_libgraal "$TXL_JAVA_HOME"; then
        TXL_COMPILER=libgraal
    else
        TXL_COMPILER=jargraal
    fi
}

txl_java_feature_version() {
    # Prints the feature version (e.g. 25) of the java binary $1, or nothing.
    "$1" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
    local minimum=25 looked="" candidate version best="" best_version=0 graal="" graal_version=0
    if [ -n "${JAVA_HOME:-}" ]; then
        if [ -x "$JAVA_HOME/bin/java" ]; then
            version=$(txl_java_feature_version "$JAVA_HOME/bin/java")
            looked="$looked\n  JAVA_HOME=$JAVA_HOME: Java ${version:-unknown}"
            if [ -n "$version" ] && [ "$version" -ge "$minimum" ]; then
                TXL_JAVA_HOME=$JAVA_HOME
                txl_set_compiler
                return 0
            fi
        else
            looked="$looked\n  JAVA_HOME=$JAVA_HOME: no bin/java"
        fi
    else
        looked="$looked\n  JAVA_HOME: not set"
    fi
    for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
        [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        version=$(txl_java_feature_version "$candidate/bin/java")
        looked="$looked\n  $candidate: Java ${version:-unknown}"
        if [ -n "$version" ] && [ "$version" -ge "$minimum" ] && [ "$version" -gt "$best_version" ]; then
            best=$candidate
            best_version=$version
        fi
        if [ -n "$version" ] && [ "$version" -ge "$minimum" ] && [ "$version" -gt "$graal_version" ] \
            && txl_jdk_has_libgraal "$candidate"; then
            graal=$candidate
            graal_version=$version
        fi
    done
    if [ -n "$graal" ] || [ -n "$best" ]; then
        TXL_JAVA_HOME=${graal:-$best}
        txl_set_compiler
        return 0
    fi
    if command -v java >/dev/null 2>&1; then
        candidate=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        version=$(txl_java_feature_version "$candidate/bin/java")
        looked="$looked\n  java on PATH ($candidate): Java ${version:-unknown}"
        if [ -n "$version" ] && [ "$version" -ge "$minimum" ]; then
            TXL_JAVA_HOME=$candidate
            txl_set_compiler
            return 0
        fi
    fi
    printf 'error: TruffleXen needs a JDK %s or newer; looked at:%b\nSet JAVA_HOME to a JDK 25 installation.\n' \
        "$minimum" "$looked" >&2
    return 1
}
