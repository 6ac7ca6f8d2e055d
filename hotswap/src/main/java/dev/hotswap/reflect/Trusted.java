package dev.hotswap.reflect;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;

/**
 * Gets the JDK's trusted lookup, the one that may define a nestmate of any class, for hotswap's
 * mirror of reflection and its structural engine. {@code java.lang.invoke} is opened to hotswap's
 * core module alone ({@code Instrumentation.redefineModule}), which opens nothing to anyone, and
 * the lookup stays in this module. Never opened to the class path's module: code that runs there
 * (the program's) could then take it too.
 */
public final class Trusted {
    private static MethodHandles.Lookup taken; // guarded by Trusted.class

    private Trusted() {
    }

    /** The trusted lookup, for an instrumentation the JVM made (a class of {@code java.instrument}); else refused. */
    public static synchronized MethodHandles.Lookup lookup(Instrumentation instrumentation)
            throws ReflectiveOperationException {
        if (instrumentation == null || instrumentation.getClass().getModule() != Instrumentation.class.getModule()) {
            throw new IllegalCallerException("hotswap: the trusted lookup is handed only to the JVM's own instrumentation");
        }
        if (taken == null) {
            Module own = Trusted.class.getModule();
            Module base = MethodHandles.class.getModule();
            if (own.isNamed()) {
                instrumentation.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang.invoke", Set.of(own)), Set.of(),
                        Map.of());
            } else if (!base.isOpen("java.lang.invoke", own)) {
                // hotswap's classes from a folder on the class path (its own unit tests open it themselves).
                throw new IllegalStateException("hotswap's core runs outside its module " + "(" + Trusted.class
                        .getProtectionDomain().getCodeSource() + "): run hotswap from its jar");
            }
            Field f = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
            f.setAccessible(true);
            taken = (MethodHandles.Lookup) f.get(null);
        }
        return taken;
    }
}
