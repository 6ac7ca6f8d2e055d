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
 */
public record Swap(List<Changed> changed, List<String> fresh, List<Resource> resources) {
    public Swap {
        changed = List.copyOf(changed);
        fresh = List.copyOf(fresh);
        resources = List.copyOf(resources);
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
     * One swapped class.
     *
     * @param changes its structural changes (empty for a body-only swap)
     * @param annotationsChanged whether any annotation of the class or of a member differs
     */
    public record Changed(Class<?> type, List<Change> changes, boolean annotationsChanged) {
        public Changed {
            changes = List.copyOf(changes);
        }

        /** Whether the class's members or their annotations are not as they were (a body edit is neither). */
        public boolean reshaped() {
            return !changes.isEmpty() || annotationsChanged;
        }
    }
}
