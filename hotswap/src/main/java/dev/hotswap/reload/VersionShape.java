package dev.hotswap.reload;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which shape the structural engine gives new versions ({@code -Dhotswap.versions}): {@code named}
 * (an ordinary class of the user's class name, in a class loader of its own: debuggers stop in it,
 * JFR and stack walkers name it), {@code hidden} (a hidden nestmate of the class: nothing to
 * rewrite for access, invisible to debuggers and profilers), or {@code auto}, the default: named
 * when a debugger agent (JDWP) is in the JVM.
 */
final class VersionShape {
    static final String PROPERTY = "hotswap.versions";

    private VersionShape() {
    }

    /** True for named versions; a bad value is reported and taken as {@code auto}. */
    static boolean named(Map<?, ?> properties, Map<String, String> environment, Optional<List<String>> arguments,
                         java.util.function.Consumer<String> problems) {
        Object value = properties.get(PROPERTY);
        String mode = value == null ? "auto" : value.toString().trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "named":
                return true;
            case "hidden":
                return false;
            case "auto":
                break;
            default:
                problems.accept("hotswap: -D" + PROPERTY + "=" + value + " is none of named, hidden, auto; auto is used");
        }
        return debuggerAgent(properties, environment, arguments);
    }

    /** True when the JVM was started with the JDWP agent (how every IDE's debug run starts it). */
    static boolean debuggerAgent(Map<?, ?> properties, Map<String, String> environment, Optional<List<String>> arguments) {
        if (properties.get("sun.jdwp.listenerAddress") != null) {
            return true;
        }
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
            if (jdwp(environment.getOrDefault(variable, ""))) {
                return true;
            }
        }
        return arguments.map(list -> list.stream().anyMatch(VersionShape::jdwp)).orElse(false);
    }

    private static boolean jdwp(String argument) {
        return argument.contains("-agentlib:jdwp") || argument.contains("-Xrunjdwp")
                || (argument.contains("-agentpath:") && argument.contains("jdwp"));
    }

    /**
     * As {@link #named}, for this JVM, worked out at the first question (a swap), not at start-up:
     * reading the JVM's command line costs a program that never swaps nothing.
     */
    static java.util.function.BooleanSupplier ofThisJvm(java.util.function.Consumer<String> problems) {
        return new java.util.function.BooleanSupplier() {
            private volatile Boolean named;

            @Override
            public boolean getAsBoolean() {
                Boolean answer = named;
                if (answer == null) {
                    synchronized (this) {
                        if (named == null) {
                            named = VersionShape.named(System.getProperties(), System.getenv(),
                                    ProcessHandle.current().info().arguments().map(List::of), problems);
                        }
                        answer = named;
                    }
                }
                return answer;
            }
        };
    }
}
