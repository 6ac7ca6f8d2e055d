package dev.hotswap.reflect;

import java.io.IOException;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Puts the rest of hotswap's hooks into the JDK's reflection when the structural engine starts
 * (after {@link StartHooks}): redefines {@code Executable}, {@code Method}, {@code Field} and
 * {@code Constructor} so that each call of theirs to a
 * native that lists members or reads parameters or type annotations, and to the parser of
 * annotations, calls the hook with the same arguments instead. Only calls are swapped, one
 * instruction for one with the same effect on the stack: no branch, no frame, no field changes,
 * so the JVM takes it as a redefinition. Every expected call must be found, or nothing is done.
 */
final class JdkHooks {
    static final String HOOKS = StartHooks.HOOKS;
    private static final String ANNOTATION_PARSER = "sun/reflect/annotation/AnnotationParser";
    private static final String PARSE_DESCRIPTOR = "([BLjdk/internal/reflect/ConstantPool;Ljava/lang/Class;)";
    private static final String MAP_HOOK = "([BLjava/lang/Object;Ljava/lang/Class;)Ljava/util/Map;";

    /** A call to swap: in {@code inClass}, calls of {@code name descriptor} (owner any of {@code owners}) become {@code hook}. */
    private record Swap(String inClass, List<String> owners, String name, String descriptor, String hook, String hookDescriptor) {
        boolean matches(String owner, String n, String d) {
            return owners.contains(owner) && name.equals(n) && descriptor.equals(d);
        }
    }

    private static final List<String> EXECUTABLES = List.of("java/lang/reflect/Executable", "java/lang/reflect/Method",
            "java/lang/reflect/Constructor");
    private static final List<Swap> SWAPS = List.of(
            new Swap("java/lang/reflect/Executable", List.of(ANNOTATION_PARSER), "parseAnnotations",
                    PARSE_DESCRIPTOR + "Ljava/util/Map;", "annotations", MAP_HOOK),
            new Swap("java/lang/reflect/Field", List.of(ANNOTATION_PARSER), "parseAnnotations",
                    PARSE_DESCRIPTOR + "Ljava/util/Map;", "annotations", MAP_HOOK),
            new Swap("java/lang/reflect/Method", List.of(ANNOTATION_PARSER), "parseMemberValue",
                    "(Ljava/lang/Class;Ljava/nio/ByteBuffer;Ljdk/internal/reflect/ConstantPool;Ljava/lang/Class;)Ljava/lang/Object;",
                    "memberValue", "(Ljava/lang/Class;Ljava/nio/ByteBuffer;Ljava/lang/Object;Ljava/lang/Class;)Ljava/lang/Object;"),
            new Swap("java/lang/reflect/Executable", List.of(ANNOTATION_PARSER), "parseParameterAnnotations",
                    PARSE_DESCRIPTOR + "[[Ljava/lang/annotation/Annotation;", "parameterAnnotations",
                    "([BLjava/lang/Object;Ljava/lang/Class;)[[Ljava/lang/annotation/Annotation;"),
            new Swap("java/lang/reflect/Executable", EXECUTABLES, "getParameters0", "()[Ljava/lang/reflect/Parameter;",
                    "parameters", "(Ljava/lang/Object;)[Ljava/lang/reflect/Parameter;"),
            new Swap("java/lang/reflect/Executable", EXECUTABLES, "getTypeAnnotationBytes0", "()[B", "typeAnnotations",
                    "(Ljava/lang/Object;)[B"),
            new Swap("java/lang/reflect/Constructor", EXECUTABLES, "getTypeAnnotationBytes0", "()[B", "typeAnnotations",
                    "(Ljava/lang/Object;)[B"),
            new Swap("java/lang/reflect/Field", List.of("java/lang/reflect/Field"), "getTypeAnnotationBytes0", "()[B",
                    "typeAnnotations", "(Ljava/lang/Object;)[B"));

    /** Methods of {@code Lookup} that ask the hook first, at entry: the hook answers for members a swap added, else null. */
    static final String LOOKUP = "java/lang/invoke/MethodHandles$Lookup";
    static final List<String> LOOKUP_ENTRIES = List.of(
            "findStatic(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
            "findVirtual(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
            "findSpecial(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/Class;)"
                    + "Ljava/lang/invoke/MethodHandle;",
            "findConstructor(Ljava/lang/Class;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
            "findGetter(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/invoke/MethodHandle;",
            "findSetter(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/invoke/MethodHandle;",
            "findStaticGetter(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/invoke/MethodHandle;",
            "findStaticSetter(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/invoke/MethodHandle;",
            "unreflect(Ljava/lang/reflect/Method;)Ljava/lang/invoke/MethodHandle;",
            "unreflectSpecial(Ljava/lang/reflect/Method;Ljava/lang/Class;)Ljava/lang/invoke/MethodHandle;",
            "unreflectConstructor(Ljava/lang/reflect/Constructor;)Ljava/lang/invoke/MethodHandle;",
            "unreflectGetter(Ljava/lang/reflect/Field;)Ljava/lang/invoke/MethodHandle;",
            "unreflectSetter(Ljava/lang/reflect/Field;)Ljava/lang/invoke/MethodHandle;");
    private static final String LOOKUP_HOOK = "(Ljava/lang/Object;Ljava/lang/String;Ljava/lang/Object;Ljava/lang/Object;"
            + "Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/invoke/MethodHandle;";

    /** Methods of the JDK's {@code Unsafe} that check their field first: one a swap added has no offset to give. */
    static final String UNSAFE = "jdk/internal/misc/Unsafe";
    static final List<String> UNSAFE_ENTRIES = List.of("objectFieldOffset(Ljava/lang/reflect/Field;)J",
            "staticFieldOffset(Ljava/lang/reflect/Field;)J", "staticFieldBase(Ljava/lang/reflect/Field;)Ljava/lang/Object;");

    private JdkHooks() {
    }

    /** Redefines the JDK's reflection classes to call the hooks (which must be set by now). */
    static void patch(Instrumentation instrumentation) throws IOException, ClassNotFoundException,
            UnmodifiableClassException {
        Map<String, Class<?>> targets = new HashMap<>();
        for (Swap s : SWAPS) {
            targets.putIfAbsent(s.inClass, Class.forName(s.inClass.replace('/', '.')));
        }
        targets.put(LOOKUP, java.lang.invoke.MethodHandles.Lookup.class);
        targets.put(UNSAFE, Class.forName(UNSAFE.replace('/', '.')));
        List<ClassDefinition> definitions = new ArrayList<>();
        for (Map.Entry<String, Class<?>> t : targets.entrySet()) {
            definitions.add(new ClassDefinition(t.getValue(), patched(t.getKey(), read(t.getKey()))));
        }
        instrumentation.redefineClasses(definitions.toArray(ClassDefinition[]::new));
    }

    private static byte[] read(String internalName) throws IOException {
        return StartHooks.read(Object.class, "/" + internalName + ".class");
    }

    /** The class with its calls swapped; throws when one of the expected calls is not there. */
    static byte[] patched(String internalName, byte[] bytes) throws IOException {
        List<Swap> swaps = SWAPS.stream().filter(s -> s.inClass.equals(internalName)).toList();
        int[] found = new int[swaps.size()];
        java.util.Set<String> entered = new java.util.HashSet<>();
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (internalName.equals(LOOKUP) && (access & Opcodes.ACC_PUBLIC) != 0
                        && LOOKUP_ENTRIES.contains(name + descriptor)) {
                    entered.add(name + descriptor);
                    return entry(mv, name, descriptor);
                }
                if (internalName.equals(UNSAFE) && (access & Opcodes.ACC_PUBLIC) != 0
                        && UNSAFE_ENTRIES.contains(name + descriptor)) {
                    entered.add(name + descriptor);
                    return new MethodVisitor(Opcodes.ASM9, mv) {
                        @Override
                        public void visitCode() {
                            super.visitCode();
                            super.visitVarInsn(Opcodes.ALOAD, 1);
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "offsetOf", "(Ljava/lang/Object;)V", false);
                        }

                        @Override
                        public void visitMaxs(int maxStack, int maxLocals) {
                            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
                        }
                    };
                }
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean isInterface) {
                        for (int i = 0; i < swaps.size(); i++) {
                            Swap s = swaps.get(i);
                            if (s.matches(owner, n, d)) {
                                found[i]++;
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, s.hook, s.hookDescriptor, false);
                                return;
                            }
                        }
                        super.visitMethodInsn(opcode, owner, n, d, isInterface);
                    }
                };
            }
        }, 0);
        if (internalName.equals(UNSAFE) && entered.size() != UNSAFE_ENTRIES.size()) {
            throw new IOException("this JDK's Unsafe lacks " + UNSAFE_ENTRIES.stream().filter(e -> !entered.contains(e)).toList());
        }
        if (internalName.equals(LOOKUP) && entered.size() != LOOKUP_ENTRIES.size()) {
            throw new IOException("this JDK's Lookup lacks " + LOOKUP_ENTRIES.stream().filter(e -> !entered.contains(e)).toList());
        }
        for (int i = 0; i < swaps.size(); i++) {
            if (found[i] == 0) {
                Swap s = swaps.get(i);
                throw new IOException("this JDK's " + internalName.replace('/', '.') + " does not call " + s.name
                        + s.descriptor + " where hotswap expects it");
            }
        }
        return writer.toByteArray();
    }

    /**
     * {@code MethodHandle h = HotswapHooks.lookup(this, "name", a, b, c, d); if (h != null) return h;}
     * before the method's own code (its arguments are all references; missing ones are null).
     */
    private static MethodVisitor entry(MethodVisitor mv, String name, String descriptor) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                org.objectweb.asm.Type[] arguments = org.objectweb.asm.Type.getArgumentTypes(descriptor);
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitLdcInsn(name);
                for (int i = 0; i < 4; i++) {
                    if (i < arguments.length) {
                        super.visitVarInsn(Opcodes.ALOAD, i + 1);
                    } else {
                        super.visitInsn(Opcodes.ACONST_NULL);
                    }
                }
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "lookup", LOOKUP_HOOK, false);
                super.visitInsn(Opcodes.DUP);
                org.objectweb.asm.Label own = new org.objectweb.asm.Label();
                super.visitJumpInsn(Opcodes.IFNULL, own);
                super.visitInsn(Opcodes.ARETURN);
                super.visitLabel(own);
                super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/invoke/MethodHandle"});
                super.visitInsn(Opcodes.POP);
            }

            @Override
            public void visitMaxs(int maxStack, int maxLocals) {
                super.visitMaxs(Math.max(maxStack, 6), maxLocals);
            }
        };
    }
}
