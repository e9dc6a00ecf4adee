# Sourced by ./runloom and .ci/run: use JAVA_HOME or `java` when it is 21+, else the newest JDK >= 21
# under /usr/lib/jvm (machines where the default java is older).
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
runloom_select_jdk() {
  local current="${JAVA_HOME:+$JAVA_HOME/bin/java}"
  [ -n "$current" ] || current="$(command -v java || true)"
  if [ -n "$current" ] && [ "$(java_major "$current")" -ge 21 ] 2>/dev/null; then
    [ -n "${JAVA_HOME:-}" ] || export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$current")")")"
  else
    local candidate best=""
    for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
      if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate/bin/java")" -ge 21 ] 2>/dev/null; then best="$candidate"; fi
    done
    if [ -z "$best" ]; then echo "Runloom needs a JDK 21 or newer (set JAVA_HOME)." >&2; return 1; fi
    export JAVA_HOME="$best"
  fi
  export PATH="$JAVA_HOME/bin:$PATH"
}
