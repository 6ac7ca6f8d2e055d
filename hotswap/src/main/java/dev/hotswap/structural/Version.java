package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Optional;

/**
 * One version of a class under the engine: the hidden class holding its methods, by name and
 * descriptor, and the class file (as compiled) it was written from.
 */
record Version(Class<?> hidden, ClassModel model, Map<String, MethodHandle> methods, byte[] source) {
    Optional<ClassModel.Member> method(String name, String descriptor) {
        return model.methods().stream()
                .filter(m -> m.name().equals(name) && m.descriptor().equals(descriptor)).findFirst();
    }
}
