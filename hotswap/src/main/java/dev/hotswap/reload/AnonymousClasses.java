package dev.hotswap.reload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which class each anonymous class of a compile runs as. javac numbers anonymous classes in
 * source order, so inserting one turns {@code A$1} into {@code A$2} and gives {@code A$1} another
 * class's content, often with other supertypes, which no JVM can redefine in place. Here a
 * loaded anonymous class takes the new content that has its shape (superclass and interfaces),
 * whatever its new number, so objects made before the swap run their own class's new code; a
 * content that no loaded class fits keeps its own name when that is free, else runs under a new
 * one ({@code A$1$hotswap1}). Pure: the caller says what is loaded.
 */
final class AnonymousClasses {
    /** A class's supertypes: what must stay the same for a loaded class to take a content. */
    record Shape(String superName, List<String> interfaces) {
    }

    private static final Pattern ANONYMOUS = Pattern.compile("(.+)\\$(\\d+)(\\$hotswap\\d+)?");

    private AnonymousClasses() {
    }

    /** The class an anonymous class's name is numbered in, if the name is one javac gives anonymous classes. */
    static Optional<String> prefix(String internalName) {
        Matcher m = ANONYMOUS.matcher(internalName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static int number(String internalName) {
        Matcher m = ANONYMOUS.matcher(internalName);
        return m.matches() ? Integer.parseInt(m.group(2)) : Integer.MAX_VALUE;
    }

    /**
     * @param current  what ran as what so far (compiled name to running name; absent means the same)
     * @param batch    the anonymous classes of this compile, by compiled name, with their new shapes
     * @param loaded   the loaded anonymous classes of the same classes, by running name, with their shapes
     * @return the running name of each class of {@code batch}
     */
    static Map<String, String> assign(Map<String, String> current, Map<String, Shape> batch, Map<String, Shape> loaded) {
        Map<String, String> result = new HashMap<>();
        Set<String> taken = new HashSet<>();
        List<String> names = new ArrayList<>(batch.keySet());
        names.sort(Comparator.comparingInt(AnonymousClasses::number).thenComparing(Comparator.naturalOrder()));
        // The usual case: a class still runs as what it ran as, with the same shape.
        for (String name : names) {
            String running = current.getOrDefault(name, name);
            if (batch.get(name).equals(loaded.get(running)) && taken.add(running)) {
                result.put(name, running);
            }
        }
        // A loaded class whose content moved: it takes the nearest unassigned content of its shape.
        List<String> waiting = new ArrayList<>(loaded.keySet());
        waiting.sort(Comparator.comparingInt(AnonymousClasses::number).thenComparing(Comparator.naturalOrder()));
        for (String running : waiting) {
            if (taken.contains(running)) {
                continue;
            }
            Optional<String> prefix = prefix(running);
            names.stream()
                    .filter(name -> !result.containsKey(name) && prefix(name).equals(prefix)
                            && batch.get(name).equals(loaded.get(running)))
                    .min(Comparator.comparingInt(name -> Math.abs(number(name) - number(running))))
                    .ifPresent(name -> {
                        result.put(name, running);
                        taken.add(running);
                    });
        }
        // What is left loads under its own name when no loaded class has it, else under a new one.
        Set<String> used = new HashSet<>(loaded.keySet());
        used.addAll(current.values());
        for (String name : names) {
            if (result.containsKey(name)) {
                continue;
            }
            String running = name;
            for (int n = 1; used.contains(running) || taken.contains(running); n++) {
                running = name + "$hotswap" + n;
            }
            taken.add(running);
            result.put(name, running);
        }
        return result;
    }
}
