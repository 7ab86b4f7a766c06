# Finds a JDK >= 25 for TruffleXen's scripts. Source this file, then call find_jdk;
# on success it sets TXL_JAVA_HOME, otherwise it prints where it looked and returns 1.

txl_java_feature_version() {
    # Prints the feature version (e.g. 25) of the java binary $1, or nothing.
    "$1" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
    local minimum=25 looked="" candidate version best="" best_version=0
    if [ -n "${JAVA_HOME:-}" ]; then
        if [ -x "$JAVA_HOME/bin/java" ]; then
            version=$(txl_java_feature_version "$JAVA_HOME/bin/java")
            looked="$looked\n  JAVA_HOME=$JAVA_HOME: Java ${version:-unknown}"
            if [ -n "$version" ] && [ "$version" -ge "$minimum" ]; then
                TXL_JAVA_HOME=$JAVA_HOME
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
    done
    if [ -n "$best" ]; then
        TXL_JAVA_HOME=$best
        return 0
    fi
    if command -v java >/dev/null 2>&1; then
        candidate=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        version=$(txl_java_feature_version "$candidate/bin/java")
        looked="$looked\n  java on PATH ($candidate): Java ${version:-unknown}"
        if [ -n "$version" ] && [ "$version" -ge "$minimum" ]; then
            TXL_JAVA_HOME=$candidate
            return 0
        fi
    fi
    printf 'error: TruffleXen needs a JDK %s or newer; looked at:%b\nSet JAVA_HOME to a JDK 25 installation.\n' \
        "$minimum" "$looked" >&2
    return 1
}
