package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The writers a class goes through when the engine first takes it (version, named relocation,
 * shape, trampolines, static slices), run once on a class file of hotswap's own by the session's
 * warm-up, 5 s after start, so that the first real take does not pay for loading and interpreting
 * them. Needs no engine and defines nothing: the bytes written are dropped.
 */
public final class WarmUp {
    private WarmUp() {
    }

    /** Runs the writers on {@code bytes}; whatever goes wrong only costs the head start. */
    public static void writers(byte[] bytes) {
        try {
            ClassModel model = Policy.parse(bytes).orElseThrow();
            CodeRewriter.Loaded nothingLoaded = new CodeRewriter.Loaded() {
                @Override
                public boolean isPublicInterface(String internalName) {
                    return false;
                }

                @Override
                public boolean isReloadable(String owner) {
                    return owner.equals(model.name());
                }

                @Override
                public boolean has(String owner, String name, String descriptor, boolean isStatic) {
                    return true;
                }

                @Override
                public boolean hasField(String owner, String name, String descriptor, boolean isStatic) {
                    return true;
                }
            };
            List<String> problems = new ArrayList<>();
            String hiddenName = model.name() + "$$hotswap0";
            byte[] version = VersionWriter.write(bytes, model, hiddenName, nothingLoaded, problems, Set.of());
            Versions.shape(version);
            Relocator.relocate(version, model.name(), hiddenName, internalName -> "java/lang/Object", problems);
            TrampolineWriter.write(bytes, bytes, model, nothingLoaded, problems, "", List.of());
            StaticSlices.changed(bytes, bytes);
        } catch (RuntimeException | LinkageError e) {
            // only a head start
        }
    }
}
