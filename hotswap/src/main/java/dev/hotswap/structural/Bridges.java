package dev.hotswap.structural;

import dev.hotswap.boot.Link;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;

/**
 * Structural swaps for class loaders that cannot see hotswap (a plugin loader whose parent is
 * the platform loader, say). The code the engine writes calls {@link Link}, which such a loader
 * cannot resolve; for it, the engine defines a small public class in the loader, a bridge with
 * the same static methods, each calling {@link Link}'s through a method handle it takes from
 * the system class loader, and points the code it writes for that loader at the bridge. The
 * bridge's methods are bootstrap methods and run once per call site: the calls they link go
 * straight to the new code.
 */
final class Bridges {
    static final String LINKER = Type.getInternalName(Link.class);
    private static final String SIMPLE_NAME = "hotswap$Linker";

    /** Per loader: the bridge's internal name, or empty when the loader sees our {@link Link}. */
    private final Map<ClassLoader, Optional<String>> byLoader = Collections.synchronizedMap(new WeakHashMap<>());

    /** True for the internal name of a bridge class ({@code pkg/hotswap$Linker}). */
    static boolean isBridgeName(String internalName) {
        return internalName.equals(SIMPLE_NAME) || internalName.endsWith("/" + SIMPLE_NAME);
    }

    /** True when class file bytes name the engine's bootstrap class or a bridge to it. */
    static boolean namesEngine(byte[] bytes) {
        return namesEngine(dev.hotswap.classfile.ConstantPool.of(bytes));
    }

    /**
     * Code can only call a class it names in a class constant (its method references and method
     * handles point at one): the class constants are all there is to look at.
     */
    static boolean namesEngine(dev.hotswap.classfile.ConstantPool pool) {
        for (String name : pool.classes()) {
            if (name.equals(LINKER) || isBridgeName(name)) {
                return true;
            }
        }
        return false;
    }

    /** True for the name of a bridge class ({@code Class.getName()} form). */
    static boolean isBridge(String className) {
        return className.equals(SIMPLE_NAME) || className.endsWith("." + SIMPLE_NAME);
    }

    /** True when classes of {@code loader} can run code written by the engine, bridged or not. */
    static boolean possible(ClassLoader loader) {
        return sees(loader) || Link.class.getClassLoader() == ClassLoader.getSystemClassLoader();
    }

    private static boolean sees(ClassLoader loader) {
        try {
            return Class.forName(Link.class.getName(), false, loader) == Link.class;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Makes sure code written for {@code type}'s loader can reach the engine; defines the bridge the first time. */
    void prepare(Class<?> type, MethodHandles.Lookup trusted) throws IllegalAccessException {
        ClassLoader loader = type.getClassLoader();
        synchronized (byLoader) {
            if (byLoader.containsKey(loader)) {
                return;
            }
            if (sees(loader)) {
                byLoader.put(loader, Optional.empty());
                return;
            }
            String packagePrefix = type.getPackageName().isEmpty() ? "" : type.getPackageName().replace('.', '/') + "/";
            String name = packagePrefix + SIMPLE_NAME;
            trusted.in(type).defineClass(write(name));
            byLoader.put(loader, Optional.of(name));
        }
    }

    /** {@code bytes} with their calls to {@link Link} pointed at the loader's bridge, if it has one. */
    byte[] bridged(ClassLoader loader, byte[] bytes) {
        Optional<String> bridge = loader == null ? Optional.empty() : byLoader.getOrDefault(loader, Optional.empty());
        if (bridge.isEmpty() || bytes == null) {
            return bytes;
        }
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassRemapper(writer, new SimpleRemapper(Opcodes.ASM9, LINKER, bridge.get())), 0);
        return writer.toByteArray();
    }

    /** The methods a bridge mirrors, in the order of {@link Link#bridgeHandles()}. */
    static List<Method> bridged() {
        return Link.bridged();
    }

    /**
     * {@code public final class <name> { static final MethodHandle[] H = Link.bridgeHandles();
     * public static R m(A a) { return (R) H[i].invokeExact(a); } ... }}, with {@code Link}
     * found through the system class loader and called reflectively.
     */
    private static byte[] write(String name) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, name, null,
                "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "H", "[Ljava/lang/invoke/MethodHandle;",
                null, null).visitEnd();
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        init.visitCode();
        init.visitLdcInsn(Link.class.getName());
        init.visitInsn(Opcodes.ICONST_1);
        init.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/ClassLoader", "getSystemClassLoader",
                "()Ljava/lang/ClassLoader;", false);
        init.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
        init.visitLdcInsn("bridgeHandles");
        init.visitInsn(Opcodes.ICONST_0);
        init.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Class");
        init.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getMethod",
                "(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;", false);
        init.visitInsn(Opcodes.ACONST_NULL);
        init.visitInsn(Opcodes.ICONST_0);
        init.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        init.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Method", "invoke",
                "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
        init.visitTypeInsn(Opcodes.CHECKCAST, "[Ljava/lang/invoke/MethodHandle;");
        init.visitFieldInsn(Opcodes.PUTSTATIC, name, "H", "[Ljava/lang/invoke/MethodHandle;");
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        List<Method> methods = bridged();
        for (int i = 0; i < methods.size(); i++) {
            Method m = methods.get(i);
            String descriptor = Type.getMethodDescriptor(m);
            int access = Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | (m.isVarArgs() ? Opcodes.ACC_VARARGS : 0);
            MethodVisitor mv = cw.visitMethod(access, m.getName(), descriptor, null, null);
            mv.visitCode();
            mv.visitFieldInsn(Opcodes.GETSTATIC, name, "H", "[Ljava/lang/invoke/MethodHandle;");
            mv.visitLdcInsn(i);
            mv.visitInsn(Opcodes.AALOAD);
            LambdaClasses.forwardExact(mv, descriptor, 0);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }
}
