# The JDK AOT cache for TruffleXen on a stock JDK (jargraal) with C2 as the JVM's own JIT
# (TXL_HOST_JIT=c2; see txl_graal_host_jit in jdk.sh for the default). Source after jdk.sh.
#
# JDK 25 cannot combine the cache with Graal as the JVM's JIT: a cache trained without it is
# refused (its type-profile settings differ), and with it JVMCI fails to start from the cache's
# archived module graph ("HotSpotJVMCIBackendFactory: not accessible to module
# jdk.internal.vm.ci during VM init"). Measured, Graal as the JVM's JIT without the cache warms
# up sooner than C2 with it (README, Benchmarks), so that is the default and the cache is built
# only for TXL_HOST_JIT=c2.
#
# With jargraal the Graal compiler is Java code that the JVM must load, link, profile and
# compile before it compiles guest code quickly; in a fresh JVM that is most of the guest's
# warm-up. A JDK AOT cache (JEP 483/514/515) trained on a short run keeps the compiler's and
# TruffleXen's classes loaded and linked, with their method profiles, for every later start.
#
# The JVM refuses an AOT cache with --upgrade-module-path, the usual way to give a stock JDK the
# Graal compiler, and the stock JDK's own jdk.graal.compiler module (an empty placeholder) hides
# one on --module-path. So the cache comes with a runtime image of its own: jlink copies the
# JDK's modules without that placeholder, and the build's compiler jars go on --module-path.
#
# Everything lives in ${XDG_CACHE_HOME:-~/.cache}/trufflexen/aot/KEY, KEY a digest of the JDK and
# of every jar the JVM loads, so a rebuild or another JDK never meets a stale cache:
#   jdk/      the runtime image          txl.aot   the AOT cache        ready   written last
# txl_aot_build creates it (bin/build does, after a successful build); txl_aot_find tells
# whether it is there. Nothing here is part of the checkout.

# Modules of the runtime image: what TruffleXen and the Graal compiler need from the JDK.
TXL_AOT_MODULES=java.se,jdk.unsupported,jdk.management,jdk.internal.vm.ci,jdk.jfr,jdk.zipfs
# The compiler's modules, from launcher/target/graal-compiler.
TXL_AOT_COMPILER_MODULES=jdk.graal.compiler,org.graalvm.truffle.compiler

# Prints the cache directory for the build under $1 (launcher/target) and the JDK in TXL_JAVA_HOME.
txl_aot_dir() {
    local target=$1 key
    key=$( {
        cat "$TXL_JAVA_HOME/release" 2>/dev/null
        echo "$TXL_JAVA_HOME"
        ls -l --time-style=+%s "$target"/launcher-*.jar "$target"/lib/*.jar "$target"/graal-compiler/*.jar 2>/dev/null
    } | sha256sum | cut -c1-16)
    printf '%s/trufflexen/aot/%s\n' "${XDG_CACHE_HOME:-$HOME/.cache}" "$key"
}

# The class path a cached JVM runs with: the launcher jar (the JVM refuses directories in an AOT
# cache's class path) and the dependencies, in a fixed order.
txl_aot_classpath() {
    local target=$1 path jar
    path=$(ls "$target"/launcher-*.jar | head -n 1)
    for jar in "$target"/lib/*.jar; do
        path=$path:$jar
    done
    printf '%s\n' "$path"
}

# Sets TXL_AOT_DIR and returns 0 when the cache for this build and JDK is ready.
txl_aot_find() {
    local target=$1
    [ "${TXL_COMPILER:-}" = jargraal ] || return 1
    TXL_AOT_DIR=$(txl_aot_dir "$target")
    [ -f "$TXL_AOT_DIR/ready" ] && [ -f "$TXL_AOT_DIR/txl.aot" ] && [ -x "$TXL_AOT_DIR/jdk/bin/java" ]
}

# The JVM options that run the compiler from the build's jars on the runtime image.
txl_aot_jvm_options() {
    local target=$1
    printf '%s\n' "--module-path=$target/graal-compiler" "--add-modules=$TXL_AOT_COMPILER_MODULES"
}

# Builds the runtime image and trains the cache on a short benchmark run of the checkout at $1.
# Progress and failures go to stderr; returns non-zero (leaving no ready cache) on failure.
txl_aot_build() {
    local root=$1 target=$1/launcher/target dir work
    [ "${TXL_COMPILER:-}" = jargraal ] || return 0
    txl_graal_host_jit && return 0  # only a JVM that keeps C2 as its JIT starts from the cache (bin/txl)
    if ! "$TXL_JAVA_HOME/bin/java" --list-modules 2>/dev/null | grep -q '^jdk.internal.vm.ci@'; then
        echo "aot: $TXL_JAVA_HOME has no JVMCI; no AOT cache" >&2
        return 1
    fi
    dir=$(txl_aot_dir "$target")
    if [ -f "$dir/ready" ]; then
        return 0
    fi
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    work=$(mktemp -d "$(dirname "$dir")/.building.XXXXXX")
    echo "aot: building the runtime image and AOT cache in $dir (a few minutes, once per build)" >&2
    if ! "$TXL_JAVA_HOME/bin/jlink" --add-modules "$TXL_AOT_MODULES" --output "$work/jdk" >&2; then
        echo "aot: jlink failed; no AOT cache" >&2
        rm -rf "$work"
        return 1
    fi
    local options
    mapfile -t options < <(txl_aot_jvm_options "$target")
    # Training: two quick rounds of two workloads compile guest code, which is what has to be warm.
    if ! "$work/jdk/bin/java" -XX:AOTCacheOutput="$work/txl.aot" -Xlog:aot=error,cds=error \
        -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI "${options[@]}" \
        --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Xss16m \
        -cp "$(txl_aot_classpath "$target")" dev.trufflexen.launcher.Txl \
        bench --quick --rounds 3 --no-qemu --filter '^(sieve|crc32)$' --images "$root/guest-images/build" >/dev/null \
        || [ ! -s "$work/txl.aot" ]; then
        echo "aot: the training run failed; no AOT cache" >&2
        rm -rf "$work"
        return 1
    fi
    touch "$work/ready"
    mv "$work" "$dir"
    txl_aot_prune "$(dirname "$dir")"
}

# Every build gets a cache of its own (about 175 MB); keep the three newest (other checkouts
# may use them) and remove the rest.
txl_aot_prune() {
    local parent=$1 old
    ls -1dt "$parent"/*/ 2>/dev/null | tail -n +4 | while read -r old; do
        rm -rf "$old"
    done
}
