package dev.hotswap.reflect;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.ModuleVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Gets the JDK's trusted lookup, the one that may define a nestmate of any class, without
 * giving the program more power than it had. Opening {@code java.lang.invoke} to hotswap's own
 * module would open it to the application too: an agent on the class path shares the
 * application's unnamed module, so any of its code could then {@code setAccessible} its way into
 * the JDK. It is opened instead to a one-class named module made for the purpose, in a layer of
 * its own, whose one method hands the lookup out once, to hotswap, and never again; hotswap keeps it
 * here for its mirror of reflection and its structural engine, each handed it with the JVM's own
 * instrumentation (which is every power already).
 */
public final class Vault {
    private static final String MODULE = "dev.hotswap.vault";
    private static final String KEY = "dev/hotswap/vault/Key";

    private Vault() {
    }

    private static MethodHandles.Lookup taken; // guarded by Vault.class

    /** The trusted lookup, for an instrumentation the JVM made (a class of {@code java.instrument}); else refused. */
    public static synchronized MethodHandles.Lookup trustedLookup(Instrumentation instrumentation)
            throws ReflectiveOperationException, IOException {
        if (instrumentation == null || instrumentation.getClass().getModule() != Instrumentation.class.getModule()) {
            throw new IllegalCallerException("hotswap: the trusted lookup is handed only to the JVM's own instrumentation");
        }
        if (taken == null) {
            taken = take(instrumentation);
        }
        return taken;
    }

    private static MethodHandles.Lookup take(Instrumentation instrumentation) throws ReflectiveOperationException,
            IOException {
        Path dir = Files.createTempDirectory("hotswap-vault");
        try {
            Files.write(dir.resolve("module-info.class"), moduleInfo());
            Path key = dir.resolve(KEY + ".class");
            Files.createDirectories(key.getParent());
            Files.write(key, key());
            ModuleLayer boot = ModuleLayer.boot();
            Configuration configuration = boot.configuration().resolve(ModuleFinder.of(dir), ModuleFinder.of(), Set.of(MODULE));
            // The platform loader as parent: the vault sees the JDK, nothing of the application's.
            ModuleLayer layer = boot.defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
            Module vault = layer.findModule(MODULE).orElseThrow();
            instrumentation.redefineModule(MethodHandles.class.getModule(), Set.of(), Map.of(),
                    Map.of("java.lang.invoke", Set.of(vault)), Set.of(), Map.of());
            Class<?> keyClass = Class.forName(KEY.replace('/', '.'), true, layer.findLoader(MODULE));
            return (MethodHandles.Lookup) keyClass.getMethod("take").invoke(null);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code module dev.hotswap.vault { exports dev.hotswap.vault; }} */
    private static byte[] moduleInfo() {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_MODULE, "module-info", null, null, null);
        ModuleVisitor module = writer.visitModule(MODULE, 0, null);
        module.visitRequire("java.base", Opcodes.ACC_MANDATED, null);
        module.visitExport("dev/hotswap/vault", 0);
        module.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /**
     * {@code public final class Key { private static boolean taken;
     * public static synchronized Object take() throws ReflectiveOperationException {
     * if (taken) throw new IllegalStateException(); taken = true;
     * Field f = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP"); f.setAccessible(true);
     * return f.get(null); } }}
     */
    private static byte[] key() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, KEY, null, "java/lang/Object",
                null);
        writer.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "taken", "Z", null, null).visitEnd();
        MethodVisitor m = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_SYNCHRONIZED, "take",
                "()Ljava/lang/Object;", null, new String[] {"java/lang/ReflectiveOperationException"});
        m.visitCode();
        Label first = new Label();
        m.visitFieldInsn(Opcodes.GETSTATIC, KEY, "taken", "Z");
        m.visitJumpInsn(Opcodes.IFEQ, first);
        m.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalStateException");
        m.visitInsn(Opcodes.DUP);
        m.visitLdcInsn("the trusted lookup was handed out already");
        m.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "(Ljava/lang/String;)V", false);
        m.visitInsn(Opcodes.ATHROW);
        m.visitLabel(first);
        m.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        m.visitInsn(Opcodes.ICONST_1);
        m.visitFieldInsn(Opcodes.PUTSTATIC, KEY, "taken", "Z");
        m.visitLdcInsn(Type.getType(MethodHandles.Lookup.class));
        m.visitLdcInsn("IMPL_LOOKUP");
        m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getDeclaredField",
                "(Ljava/lang/String;)Ljava/lang/reflect/Field;", false);
        m.visitVarInsn(Opcodes.ASTORE, 0);
        m.visitVarInsn(Opcodes.ALOAD, 0);
        m.visitInsn(Opcodes.ICONST_1);
        m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Field", "setAccessible", "(Z)V", false);
        m.visitVarInsn(Opcodes.ALOAD, 0);
        m.visitInsn(Opcodes.ACONST_NULL);
        m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Field", "get", "(Ljava/lang/Object;)Ljava/lang/Object;",
                false);
        m.visitInsn(Opcodes.ARETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }
}
