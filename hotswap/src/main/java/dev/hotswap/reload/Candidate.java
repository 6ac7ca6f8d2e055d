package dev.hotswap.reload;

import dev.hotswap.classfile.ClassModel;
import java.nio.file.Path;

/**
 * A class file of a batch that parsed; {@code compiled} is the class it holds as compiled, which
 * the model names too unless the class runs under another name ({@link AnonymousClasses}).
 */
record Candidate(Path file, byte[] bytes, ClassModel model, String compiled) {
    Candidate(Path file, byte[] bytes, ClassModel model) {
        this(file, bytes, model, model.name());
    }

    /** The binary name it runs as. */
    String name() {
        return model.javaName();
    }

    boolean renamed() {
        return !compiled.equals(model.name());
    }
}
