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
 * (JMH measured no call cost over hidden, BENCHMARKS.md section 2). Whether a debugger agent
 * (JDWP) is in the JVM is worked out alongside: under one, body changes go through the engine too.
 */
final class VersionShape {
    static final String PROPERTY = "hotswap.versions";

    private VersionShape() {
    }

    /**
     * The shape chosen, and what it depends on.
     *
     * @param named new versions are named classes
     * @param debugger a JDWP agent is in the JVM
     * @param explicit the user asked for the shape by name
     */
    record Choice(boolean named, boolean debugger, boolean explicit) {
        /** Body changes go through the engine: a redefinition clears a debugger's breakpoints, a new named version does not. */
        boolean enginesBodies() {
            return named && debugger;
        }

        /** A version that cannot be named is worth a line: someone is looking (a debugger), or asked for named ones. */
        boolean saysFallbacks() {
            return named && (debugger || explicit);
        }
    }

    /** The shape asked for; a bad value is reported and taken as {@code auto}. */
    static Choice choose(Map<?, ?> properties, Map<String, String> environment, Optional<List<String>> arguments,
                         java.util.function.Consumer<String> problems) {
        Object value = properties.get(PROPERTY);
        String mode = value == null ? "auto" : value.toString().trim().toLowerCase(Locale.ROOT);
        boolean debugger = debuggerAgent(properties, environment, arguments);
        switch (mode) {
            case "named":
                return new Choice(true, debugger, true);
            case "hidden":
                return new Choice(false, debugger, true);
            case "auto":
                break;
            default:
                problems.accept("hotswap: -D" + PROPERTY + "=" + value + " is none of named, hidden, auto; auto is used");
        }
        return new Choice(true, debugger, false);
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
     * As {@link #choose}, for this JVM, worked out at the first question (a swap), not at start-up:
     * reading the JVM's command line costs a program that never swaps nothing.
     */
    static java.util.function.Supplier<Choice> ofThisJvm(java.util.function.Consumer<String> problems) {
        return new java.util.function.Supplier<>() {
            private volatile Choice choice;

            @Override
            public Choice get() {
                Choice answer = choice;
                if (answer == null) {
                    synchronized (this) {
                        if (choice == null) {
                            choice = VersionShape.choose(System.getProperties(), System.getenv(),
                                    ProcessHandle.current().info().arguments().map(List::of), problems);
                        }
                        answer = choice;
                    }
                }
                return answer;
            }
        };
    }
}
