package dev.hotswap.structural;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.classfile.ConstantPool;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Compiled code that read a {@code static final} field before it got a new value may keep the
 * old one: HotSpot takes a static final of an initialized class for a constant and folds it into
 * the code that reads it (measured on 17 and 25: a loop that read one kept the old value after
 * the write however long it ran on). A redefinition throws away the compiled code of the classes
 * redefined and of code that inlined their methods; so once the new values are written, the
 * classes whose code reads such a field are retransformed into what they are already (no
 * transformer of hotswap's runs on a retransformation): the class itself, the classes under the
 * engine whose current version names the field, with that version, and the loaded classes of the
 * watched folders that name it. Each then compiles again, with the new value.
 *
 * <p>A hidden version ({@code -Dhotswap.versions=hidden}) cannot be retransformed: code of its
 * own that compiled between the commit and the write may keep the old value until its class is
 * swapped again.
 */
final class FoldedStatics {
    private FoldedStatics() {
    }

    /**
     * @param fields the static final fields of {@code owner} that got new values, by name
     * @return a warning when the readers could not be retransformed
     */
    static Optional<Problem> drop(Engine engine, Registry registry, Instrumentation instrumentation, Class<?> owner,
                                         Set<String> fields) {
        String internal = owner.getName().replace('.', '/');
        Set<String> named = new java.util.HashSet<>();
        fields.forEach(f -> named.add(internal + "." + f));
        Set<Class<?>> readers = new LinkedHashSet<>();
        readers.add(owner);
        for (Managed m : registry.all()) {
            Version current = m.current;
            if (current != null && current.source() != null && names(current.source(), named)) {
                readers.add(m.type);
                readers.add(current.hidden());
            }
        }
        for (Class<?> type : engine.loadedClasses()) {
            if (readers.contains(type) || registry.manages(type) || type.isArray() || type.isHidden()
                    || type.getClassLoader() == null || !engine.isReloadable(type)) {
                continue;
            }
            engine.seenBytes(type.getClassLoader(), type.getName().replace('.', '/'))
                    .filter(bytes -> names(bytes, named)).ifPresent(bytes -> readers.add(type));
        }
        readers.removeIf(type -> type.isHidden() || !instrumentation.isModifiableClass(type));
        try {
            instrumentation.retransformClasses(readers.toArray(Class<?>[]::new));
            return Optional.empty();
        } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
            return Optional.of(new Problem(owner.getName(), "<clinit>", "compiled code may still use the old values of "
                    + String.join(", ", fields) + " (the code that reads them could not be recompiled: " + Engine.rootCause(e)
                    + "); restart the program to be sure", Kind.STATIC_INITIALIZER_FAILED));
        }
    }

    private static boolean names(byte[] bytes, Set<String> fields) {
        try {
            return ConstantPool.of(bytes).fieldNames().stream().anyMatch(fields::contains);
        } catch (RuntimeException e) {
            return true; // unreadable here: recompiling it costs little and is safe
        }
    }
}
