#!/usr/bin/env bash
# Builds hotswap and the benchmarks, runs every measurement, and rewrites BENCHMARKS.md.
#   benchmarks/run.sh          the full run (about 16 minutes on 2 cores)
#   benchmarks/run.sh quick    fewer samples, for a smoke test
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -Dstyle.color=never -DskipTests package -pl benchmarks -am
jar=$(ls hotswap/target/hotswap-*.jar | grep -v original- | head -n 1)
java ${BENCH_JAVA_OPTS:-} -jar benchmarks/target/benchmarks.jar "$jar" BENCHMARKS.md "${1:-full}" ${2:-}
