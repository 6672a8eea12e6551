# Sourced by the launch scripts: builds the project when it has not been built or its sources
# changed since, and names what the build made.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/jobs/target"
version="0.1.0-SNAPSHOT"
jar="$target/diversify-jobs-$version.jar"
app_jar="$target/diversify-jobs-$version-app.jar"

stale() {
  local made
  for made in "$jar" "$app_jar" "$target/launcher.classpath" "$target/jvm.flags"; do
    [[ -f "$made" ]] || return 0
  done
  [[ -n "$(find "$root/pom.xml" "$root/pipeline/pom.xml" "$root/jobs/pom.xml" \
              "$root/pipeline/src/main" "$root/jobs/src/main" -newer "$jar" -print -quit)" ]]
}

if stale; then
  echo "diversify: building the project (first run or changed sources) ..." >&2
  log="$(mktemp)"
  if ! (cd "$root" && mvn -B -q -DskipTests package) >"$log" 2>&1; then
    cat "$log" >&2
    echo "diversify: the build failed (output above)" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
fi
