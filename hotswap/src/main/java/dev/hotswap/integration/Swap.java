package dev.hotswap.integration;

import dev.hotswap.classfile.Change;
import java.util.List;

/**
 * What a batch did, as followers need it: the loaded classes that now run new code, with their
 * structural changes, and the class files of classes that were never loaded (a new controller,
 * a new component), which the framework may want to take in, and the configuration files that
 * changed.
 *
 * @param changed loaded classes the batch swapped
 * @param fresh binary names of new classes in the batch that nothing has loaded
 * @param resources configuration files ({@code .properties}, {@code .yml}) the batch changed
 * @param removed binary names of classes whose class files the build deleted (the JVM keeps the
 *                classes; a framework may drop what it made of them); a class whose file comes
 *                back is in {@code fresh} again
 */
public record Swap(List<Changed> changed, List<String> fresh, List<Resource> resources, List<String> removed) {
    public Swap {
        changed = List.copyOf(changed);
        fresh = List.copyOf(fresh);
        resources = List.copyOf(resources);
        removed = List.copyOf(removed);
    }

    public Swap(List<Changed> changed, List<String> fresh, List<Resource> resources) {
        this(changed, fresh, resources, List.of());
    }

    /**
     * A configuration file the build changed in a watched folder.
     *
     * @param name its path below the folder, with {@code /} ({@code application.properties}, {@code config/app.yml})
     * @param file where it is
     */
    public record Resource(String name, java.nio.file.Path file) {
    }

    /**
     * What comparing a class's two versions tells beyond its structural changes; worked out only
     * when a follower asks (a program without frameworks never pays for it).
     */
    public interface Facts {
        /** Whether any annotation of the class or of a member differs. */
        boolean annotationsChanged();

        /** The methods ({@code name + descriptor}) whose code differs or is new. */
        java.util.Set<String> bodiesChanged();

        /**
         * Instance fields the swap added that objects made before it read as 0, null, false (their
         * initializer cannot run alone for them): a framework that fills them, or makes its objects
         * anew, keeps the swap's word true.
         */
        default java.util.Set<String> fieldsLeftAtDefault() {
            return java.util.Set.of();
        }

        static Facts known(boolean annotationsChanged, java.util.Set<String> bodiesChanged) {
            java.util.Set<String> bodies = java.util.Set.copyOf(bodiesChanged);
            return new Facts() {
                @Override
                public boolean annotationsChanged() {
                    return annotationsChanged;
                }

                @Override
                public java.util.Set<String> bodiesChanged() {
                    return bodies;
                }
            };
        }
    }

    /**
     * One swapped class.
     *
     * @param changes its structural changes (empty for a body-only swap)
     */
    public record Changed(Class<?> type, List<Change> changes, Facts facts) {
        public Changed {
            changes = List.copyOf(changes);
        }

        public Changed(Class<?> type, List<Change> changes, boolean annotationsChanged) {
            this(type, changes, Facts.known(annotationsChanged, java.util.Set.of()));
        }

        public boolean annotationsChanged() {
            return facts.annotationsChanged();
        }

        public java.util.Set<String> bodiesChanged() {
            return facts.bodiesChanged();
        }

        /** Whether the method named {@code name} (any overload) has new code. */
        public boolean bodyChanged(String name) {
            return bodiesChanged().stream().anyMatch(k -> k.startsWith(name + "("));
        }

        /** Whether the class's members or their annotations are not as they were (a body edit is neither). */
        public boolean reshaped() {
            return !changes.isEmpty() || annotationsChanged();
        }
    }
}
