#!/usr/bin/env bash
# The seed's example, live.
#   ./demo.sh             build, then run examples/demo: "Foo: 1", "Foo: 2", ... every two seconds.
#                         Edit examples/demo/src/main/java/com/example/Demo.java in another
#                         terminal and recompile (see README) to see the running program change.
#   ./demo.sh --scripted  the same, but the script makes the edit and recompiles by itself after
#                         three ticks, on a copy of the demo; then adds a method and calls it
#                         (a structural change), and stops after two more ticks.
set -euo pipefail
cd "$(dirname "$0")"

echo "demo: building hotswap and the demo (mvn install, tests skipped)..."
# install: so that 'mvn -f examples/demo/pom.xml compile' works from a second terminal
mvn -q -B -Dstyle.color=never -DskipTests install -pl examples/demo -am
jar=$(ls hotswap/target/hotswap-*.jar | grep -v original- | head -n 1)

if [ "${1:-}" != "--scripted" ]; then
  cat <<MSG
demo: running com.example.Demo. In another terminal, change "Foo: " to "Bar: " and add " :)":
        sed -i 's/"Foo: " + n/"Bar: " + n + " :)"/' examples/demo/src/main/java/com/example/Demo.java
      then recompile, either way:
        mvn -q -f examples/demo/pom.xml compile
        javac -cp $jar -d examples/demo/target/classes examples/demo/src/main/java/com/example/Demo.java
      Ctrl-C stops the demo.
MSG
  exec java -cp "examples/demo/target/classes:$jar" com.example.Demo
fi

work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/src/com/example" "$work/classes"
cp examples/demo/src/main/java/com/example/Demo.java "$work/src/com/example/"
javac -cp "$jar" -d "$work/classes" "$work/src/com/example/Demo.java"
java -cp "$work/classes:$jar" com.example.Demo > >(tee "$work/out") 2>&1 &
pid=$!
# Waits (20 s at most) until the demo printed $2 lines matching $1.
await_lines() {
  for _ in $(seq 1 200); do
    [ "$(grep -c "$1" "$work/out" || true)" -ge "$2" ] && return 0
    sleep 0.1
  done
}
# Three ticks of "Foo: n", then the edit a developer would make, and a recompile.
await_lines '^Foo: ' 3
echo "demo: editing Demo.java (\"Foo: \" -> \"Bar: \" ... \" :)\") and recompiling with javac"
sed -i 's/"Foo: " + n/"Bar: " + n + " :)"/' "$work/src/com/example/Demo.java"
javac -cp "$jar" -d "$work/classes" "$work/src/com/example/Demo.java"
await_lines '^Bar: ' 2
echo "demo: adding a method, mood(), and calling it from test(n): a structural change; recompiling"
sed -i 's/"Bar: " + n + " :)"/"Bar: " + n + mood()/; s/^}$/\n    static String mood() {\n        return " :D";\n    }\n}/' "$work/src/com/example/Demo.java"
javac -cp "$jar" -d "$work/classes" "$work/src/com/example/Demo.java"
await_lines '^Bar: .* :D$' 2
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if grep -q '^Bar: .* :)$' "$work/out" && grep -q '^Bar: .* :D$' "$work/out"; then
  echo "demo: the running program changed twice without a restart (a body, then a new method), and its counter went on."
else
  echo "demo: a change did not show; see the output above"
  exit 1
fi
