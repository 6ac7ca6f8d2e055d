package dev.hotswap.reflect;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * What reflection needs from the start, before any swap, with no ASM (it would run interpreted in
 * the program's start-up): {@code java.lang.HotswapHooks} defined in {@code java.base}, and
 * {@code java.lang.Class} redefined so that its member lists and its annotations pass through
 * it (which leaves hotswap's catchers out). The rest of the JDK's reflection is hooked when the
 * structural engine starts ({@link JdkHooks}).
 */
final class StartHooks {
    static final String HOOKS = "java/lang/HotswapHooks";
    private static final String PARSE = "([BLjdk/internal/reflect/ConstantPool;Ljava/lang/Class;)Ljava/util/Map;";

    static final List<RawCalls.Swap> CLASS_SWAPS = List.of(
            new RawCalls.Swap("java/lang/Class", "getDeclaredFields0", "(Z)[Ljava/lang/reflect/Field;", "declaredFields",
                    "(Ljava/lang/Class;Z)[Ljava/lang/reflect/Field;"),
            new RawCalls.Swap("java/lang/Class", "getDeclaredMethods0", "(Z)[Ljava/lang/reflect/Method;", "declaredMethods",
                    "(Ljava/lang/Class;Z)[Ljava/lang/reflect/Method;"),
            new RawCalls.Swap("java/lang/Class", "getDeclaredConstructors0", "(Z)[Ljava/lang/reflect/Constructor;",
                    "declaredConstructors", "(Ljava/lang/Class;Z)[Ljava/lang/reflect/Constructor;"),
            new RawCalls.Swap("java/lang/Class", "getRecordComponents0", "()[Ljava/lang/reflect/RecordComponent;",
                    "recordComponents", "(Ljava/lang/Class;)[Ljava/lang/reflect/RecordComponent;"),
            new RawCalls.Swap("java/lang/Class", "getPermittedSubclasses0", "()[Ljava/lang/Class;", "permittedSubclasses",
                    "(Ljava/lang/Class;)[Ljava/lang/Class;"),
            new RawCalls.Swap("sun/reflect/annotation/AnnotationParser", "parseAnnotations", PARSE, "classAnnotations",
                    "([BLjava/lang/Object;Ljava/lang/Class;)Ljava/util/Map;"));

    private StartHooks() {
    }

    /** Defines {@code java.lang.HotswapHooks} from {@link HooksTemplate}; its handles are still null. */
    static Class<?> defineHooks(MethodHandles.Lookup trusted) throws IOException, IllegalAccessException {
        return trusted.in(Class.class).defineClass(RawCalls.renamed(read(StartHooks.class, "HooksTemplate.class"), HOOKS));
    }

    /** Redefines {@code java.lang.Class} to call the hooks (which must be set by now). */
    static void patchClass(Instrumentation instrumentation) throws IOException, ClassNotFoundException,
            UnmodifiableClassException {
        byte[] bytes = read(Object.class, "/java/lang/Class.class");
        instrumentation.redefineClasses(new ClassDefinition(Class.class, RawCalls.swap(bytes, HOOKS, CLASS_SWAPS)));
    }

    /** A class file: hotswap's own (relative to {@code near}) or the JDK's (another agent's retransformable changes are made again on redefinition). */
    static byte[] read(Class<?> near, String resource) throws IOException {
        try (InputStream in = near.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no class file " + resource);
            }
            return in.readAllBytes();
        }
    }
}
