package dev.hotswap.structural;

import dev.hotswap.base.Fatal;
import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Head starts for the first swaps of a session, run on the reload thread once the program's
 * start-up is over, on what is hotswap's own, never the program's: the writers a class goes
 * through when the engine first takes it, on one of hotswap's class files (nothing defined), and
 * a probe class, made here in a class loader of its own that nothing else holds, which the JVM
 * redefines and the engine takes as a program's class would be. Measured before these: a
 * session's first swap 80-95 ms, the engine's first take of a class (its third body swap)
 * 76-130 ms, against 8-15 ms for later ones.
 */
public final class WarmUp {
    private WarmUp() {
    }

    /** The probe's binary name: in no package of the program's, in a loader of its own. */
    static final String PROBE = "hotswap.warmup.Probe";

    /**
     * Version {@code version} of the probe: an instance method on a field and a static method,
     * their bodies (only) differing from one version to the next.
     */
    public static byte[] probe(int version) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        String name = PROBE.replace('.', '/');
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        w.visitField(Opcodes.ACC_PRIVATE, "count", "I", null, null).visitEnd();
        MethodVisitor init = w.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor tick = w.visitMethod(Opcodes.ACC_PUBLIC, "tick", "(I)I", null, null);
        tick.visitCode();
        tick.visitVarInsn(Opcodes.ALOAD, 0);
        tick.visitVarInsn(Opcodes.ALOAD, 0);
        tick.visitFieldInsn(Opcodes.GETFIELD, name, "count", "I");
        tick.visitVarInsn(Opcodes.ILOAD, 1);
        tick.visitLdcInsn(version);
        tick.visitInsn(Opcodes.IMUL);
        tick.visitInsn(Opcodes.IADD);
        tick.visitFieldInsn(Opcodes.PUTFIELD, name, "count", "I");
        tick.visitVarInsn(Opcodes.ALOAD, 0);
        tick.visitFieldInsn(Opcodes.GETFIELD, name, "count", "I");
        tick.visitInsn(Opcodes.IRETURN);
        tick.visitMaxs(0, 0);
        tick.visitEnd();
        MethodVisitor label = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "label", "()Ljava/lang/String;", null, null);
        label.visitCode();
        label.visitLdcInsn("v" + version);
        label.visitInsn(Opcodes.ARETURN);
        label.visitMaxs(0, 0);
        label.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }

    /** Defines version 1 of the probe in a class loader of its own (whose parent sees what engine-written code names). */
    public static Class<?> defineProbe() {
        byte[] bytes = probe(1);
        return new ProbeLoader().define(bytes);
    }

    private static final class ProbeLoader extends ClassLoader {
        ProbeLoader() {
            super("hotswap-warm-up", dev.hotswap.boot.Link.class.getClassLoader());
        }

        Class<?> define(byte[] bytes) {
            return defineClass(PROBE, bytes, 0, bytes.length);
        }
    }

    /** Calls the probe's methods: the first call after a take links the engine's call sites. */
    public static void call(Class<?> probe) throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Object instance = lookup.findConstructor(probe, MethodType.methodType(void.class)).invoke();
        MethodHandle tick = lookup.findVirtual(probe, "tick", MethodType.methodType(int.class, int.class));
        for (int i = 0; i < 3; i++) {
            int ignored = (int) tick.invoke(instance, i);
            String alsoIgnored = (String) lookup.findStatic(probe, "label", MethodType.methodType(String.class)).invoke();
        }
    }

    /**
     * The engine's first take of a class, on a probe: two body-only versions taken in turn, each
     * followed by calls, as the engine takes a class at its third body swap. The probe stays with
     * the engine (a few hundred bytes); nothing is told. Whatever goes wrong only costs the head start.
     */
    public static void take(Engine engine) {
        try {
            Class<?> probe = defineProbe();
            call(probe);
            byte[] running = probe(1);
            for (int version = 2; version <= 3; version++) {
                byte[] next = probe(version);
                engine.apply(List.of(), List.of(new Engine.Structural(probe, running, ClassModel.parse(running), next,
                        ClassModel.parse(next))), List.of(), Optional.empty());
                call(probe);
                running = next;
            }
        } catch (Throwable e) {
            Fatal.rethrowIfFatal(e);
            // only a head start
        }
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
