#!/usr/bin/env bash
# The seed's example, live.
#   ./demo.sh             build, then run examples/demo with dev mode (mvn hotswap:dev): "Foo: 1",
#                         "Foo: 2", ... every two seconds. Edit and save
#                         examples/demo/src/main/java/com/example/Demo.java to see it change.
#   ./demo.sh --scripted  the same, but the script makes the edit and recompiles by itself after
#                         three ticks, on a copy of the demo; then adds a method and calls it
#                         (a structural change), and stops after two more ticks.
#   ./demo.sh --spring    a Spring Boot web app (examples/spring-demo) with hotswap as its agent:
#                         the script adds a JSON field and a new endpoint while it serves, and
#                         shows its request counter going on.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = "--spring" ]; then
  echo "demo: building hotswap and the Spring demo (mvn install, tests skipped)..."
  mvn -q -B -Dstyle.color=never -DskipTests install -pl examples/spring-demo -am
  jar=$(ls hotswap/target/hotswap-*.jar | grep -v original- | head -n 1)
  work=$(mktemp -d)
  trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
  mvn -q -B -Dstyle.color=never -f examples/spring-demo/pom.xml dependency:build-classpath -Dmdep.outputFile="$work/cp.txt"
  cp=$(cat "$work/cp.txt")
  mkdir -p "$work/classes"
  cp -r examples/spring-demo/src "$work/src"
  src="$work/src/main/java/com/example/shop"
  javac -cp "$cp" -d "$work/classes" "$src"/*.java
  java -javaagent:"$jar" -cp "$work/classes:$cp" com.example.shop.ShopApp --server.port=0 --server.address=127.0.0.1 \
    --spring.main.banner-mode=off --logging.level.root=WARN > >(tee "$work/out") 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 1 600); do
    port=$(sed -n 's/^shop: listening on port \([0-9]*\)$/\1/p' "$work/out" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "demo: the Spring app did not start"; exit 1; }
  ask() { curl -s -o - -w ' (HTTP %{http_code})' "http://127.0.0.1:$port$1"; }
  echo "demo: GET /item   -> $(ask /item)"
  echo "demo: GET /item   -> $(ask /item)"
  echo "demo: GET /visits -> $(ask /visits)"
  echo "demo: GET /hello  -> $(ask /hello)"
  echo "demo: adding a field (price) to Item and a new endpoint (/hello) to the controller; recompiling with javac"
  sed -i 's/    private final String name;/    private final String name;\n    private final int price = 3;/; s/^}$/\n    public int getPrice() {\n        return price;\n    }\n}/' "$src/Item.java"
  sed -i 's/^}$/\n    @GetMapping("\/hello")\n    public String hello() {\n        return "hello from an endpoint added while the app ran, visit " + (++visits);\n    }\n}/' "$src/ShopController.java"
  javac -cp "$cp" -d "$work/classes" "$src"/*.java
  for _ in $(seq 1 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/hello")" = "200" ] && break
    sleep 0.1
  done
  item=$(ask /item)
  hello=$(ask /hello)
  visits=$(ask /visits)
  echo "demo: GET /item   -> $item"
  echo "demo: GET /hello  -> $hello"
  echo "demo: GET /visits -> $visits"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  count=$(echo "$visits" | sed -n 's/^visits=\([0-9]*\) .*/\1/p')
  if [[ "$item" == *'"price":3'* && "$hello" == *"(HTTP 200)" && "${count:-0}" -gt 3 ]]; then
    echo "demo: the running Spring app now serves the new endpoint and writes the new field, and its request counter went on (no restart)."
  else
    echo "demo: a change did not show; see the output above"
    exit 1
  fi
  exit 0
fi

echo "demo: building hotswap and the demo (mvn install, tests skipped)..."
# install: so that 'mvn -f examples/demo/pom.xml hotswap:dev' finds hotswap and its Maven plugin
mvn -q -B -Dstyle.color=never -DskipTests install -pl examples/demo -am
jar=$(ls hotswap/target/hotswap-*.jar | grep -v original- | head -n 1)

if [ "${1:-}" != "--scripted" ]; then
  cat <<MSG
demo: running com.example.Demo with hotswap's dev mode (mvn hotswap:dev). In another terminal (or
      your editor), change "Foo: " to "Bar: " and add " :)", and save:
        sed -i 's/"Foo: " + n/"Bar: " + n + " :)"/' examples/demo/src/main/java/com/example/Demo.java
      Dev mode compiles the saved file and swaps it in; no recompile of your own is needed.
      Ctrl-C stops the demo.
MSG
  exec mvn -q -B -Dstyle.color=never -f examples/demo/pom.xml hotswap:dev
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
