# Shared by the bench scripts (sourced from the repository root):
#   build_test_classpath   compiles main and test code, writes target/bench-classpath.txt
#   test_stack_up          starts the test stack unless it runs already (then stops it again on exit)
#                          and exports its CUTOVER_TEST_* variables
#   run_test_class CLASS ARGS...   runs a benchmark's main() on the test classpath

build_test_classpath() {
  mkdir -p target
  ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
      >target/bench-build.log 2>&1 || { tail -n 40 target/bench-build.log >&2; exit 1; }
}

test_stack_up() {
  local started_stack=0
  if ! bash scripts/test-stack.sh status >/dev/null 2>&1; then
    started_stack=1
  fi
  eval "$(bash scripts/test-stack.sh up)"
  if [ "$started_stack" -eq 1 ]; then
    trap 'bash scripts/test-stack.sh down >/dev/null 2>&1 || true' EXIT
  fi
}

run_test_class() {
  local class=$1
  shift
  # BENCH_JAVA_OPTS: extra JVM options, e.g. -XX:StartFlightRecording=filename=/tmp/bench.jfr for a CPU profile.
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" "$class" "$@"
}
