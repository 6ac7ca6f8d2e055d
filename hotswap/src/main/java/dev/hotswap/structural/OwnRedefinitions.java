package dev.hotswap.structural;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * hotswap's own {@code redefineClasses} calls (the engine's, and a session's before there is an
 * engine), told apart from another agent's (a debugger's HotSwap, which the session's transformer
 * answers with what the JVM runs): marked on the calling thread, and the bytes each class was
 * given kept once the call went in. Read without the engine's lock: it is asked from inside
 * another agent's redefinition.
 */
public final class OwnRedefinitions {
    private final Instrumentation instrumentation;
    private final Map<Class<?>, byte[]> given = Collections.synchronizedMap(new WeakHashMap<>());
    private final ThreadLocal<Boolean> redefining = new ThreadLocal<>();

    public OwnRedefinitions(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
    }

    public void redefine(List<ClassDefinition> definitions) throws ClassNotFoundException, UnmodifiableClassException {
        redefining.set(Boolean.TRUE);
        try {
            instrumentation.redefineClasses(definitions.toArray(ClassDefinition[]::new));
        } finally {
            redefining.remove();
        }
        definitions.forEach(d -> given.put(d.getDefinitionClass(), d.getDefinitionClassFile()));
    }

    public boolean here() {
        return redefining.get() != null;
    }

    /** What the JVM runs for a class the engine redefined, or for a named version (as defined); else empty. */
    public Optional<byte[]> definedBytes(Class<?> type) {
        byte[] redefined = given.get(type);
        return Optional.ofNullable(redefined != null ? redefined : VersionLoader.definedBytes(type));
    }
}
