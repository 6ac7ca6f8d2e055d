package dev.hotswap.classfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** The link check over a fake view of the loaded classes: only new references that do not resolve are named. */
class LinkCheckTest {
    private static final LinkCheck.Shape OBJECT = new LinkCheck.Shape("java/lang/Object", Optional.empty(), List.of(),
            Set.of(), Set.of("<init>()V", "toString()Ljava/lang/String;"));
    private static final LinkCheck.Shape BASE = new LinkCheck.Shape("app/Base", Optional.of("java/lang/Object"),
            List.of("app/Named"), Set.of("count:I"), Set.of("<init>()V", "run()V"));
    private static final LinkCheck.Shape NAMED = new LinkCheck.Shape("app/Named", Optional.of("java/lang/Object"),
            List.of(), Set.of(), Set.of("name()Ljava/lang/String;"));
    private static final LinkCheck.Shape HANDLE = new LinkCheck.Shape("java/lang/invoke/MethodHandle",
            Optional.of("java/lang/Object"), List.of(), Set.of(),
            Set.of("invokeExact([Ljava/lang/Object;)Ljava/lang/Object;"));

    private static final LinkCheck.Classes CLASSES = name -> switch (name) {
        case "java/lang/Object" -> OBJECT;
        case "app/Base" -> BASE;
        case "app/Named" -> NAMED;
        case "java/lang/invoke/MethodHandle" -> HANDLE;
        case "lib/Opaque" -> LinkCheck.Lookup.unknown();
        default -> LinkCheck.Lookup.missing();
    };

    /** A class {@code app/T} whose one method calls each of {@code calls}: owner, name, descriptor, opcode. */
    private static byte[] calling(List<Object[]> calls) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "app/T", null, "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_STATIC, "go", "()V", null, null);
        m.visitCode();
        for (Object[] c : calls) {
            int opcode = (Integer) c[3];
            if (opcode == Opcodes.GETSTATIC) {
                m.visitFieldInsn(opcode, (String) c[0], (String) c[1], (String) c[2]);
                m.visitInsn(Opcodes.POP);
            } else {
                m.visitInsn(Opcodes.ACONST_NULL);
                m.visitMethodInsn(opcode, (String) c[0], (String) c[1], (String) c[2], opcode == Opcodes.INVOKEINTERFACE);
            }
        }
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }

    private static Object[] call(String owner, String name, String descriptor, int opcode) {
        return new Object[] {owner, name, descriptor, opcode};
    }

    @Test
    void membersOfTheClassOrItsSupertypesResolve() {
        byte[] bytes = calling(List.of(call("app/Base", "run", "()V", Opcodes.INVOKEVIRTUAL),
                call("app/Base", "toString", "()Ljava/lang/String;", Opcodes.INVOKEVIRTUAL),
                call("app/Base", "name", "()Ljava/lang/String;", Opcodes.INVOKEVIRTUAL),
                call("app/Named", "toString", "()Ljava/lang/String;", Opcodes.INVOKEINTERFACE),
                call("java/lang/invoke/MethodHandle", "invokeExact", "(Ljava/lang/String;)I", Opcodes.INVOKEVIRTUAL),
                call("lib/Opaque", "anything", "()V", Opcodes.INVOKESTATIC)));
        assertThat(LinkCheck.check(bytes, Optional.empty(), CLASSES)).isEmpty();
    }

    @Test
    void aMissingClassOrMemberIsNamed() {
        byte[] bytes = calling(List.of(call("java/lang/invokeLambdaMetafactory", "metafactory", "()V", Opcodes.INVOKESTATIC),
                call("app/Base", "run", "(I)V", Opcodes.INVOKEVIRTUAL),
                call("app/Base", "total", "J", Opcodes.GETSTATIC)));
        assertThat(LinkCheck.check(bytes, Optional.empty(), CLASSES)).extracting(LinkCheck.Unresolved::reference)
                .containsExactlyInAnyOrder("java.lang.invokeLambdaMetafactory",
                        "java.lang.invokeLambdaMetafactory.metafactory()V", "app.Base.run(I)V", "app.Base.total:J");
    }

    @Test
    void referencesTheRunningVersionHadAlreadyAreNotJudged() {
        byte[] old = calling(List.<Object[]>of(call("gone/Lib", "f", "()V", Opcodes.INVOKESTATIC)));
        byte[] now = calling(List.of(call("gone/Lib", "f", "()V", Opcodes.INVOKESTATIC),
                call("app/Base", "run", "()V", Opcodes.INVOKEVIRTUAL)));
        assertThat(LinkCheck.check(now, Optional.of(old), CLASSES)).isEmpty();
    }

    /** A lambda's {@code invokedynamic} names its interface only in its descriptor: a missing one is named too. */
    @Test
    void aClassNamedOnlyInADynamicCallsDescriptorIsChecked() {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "app/T", null, "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_STATIC, "go", "()V", null, null);
        m.visitCode();
        m.visitInvokeDynamicInsn("make", "()Lapp/Gone;", new org.objectweb.asm.Handle(Opcodes.H_INVOKESTATIC, "app/Base",
                "boot", "()V", false));
        m.visitInsn(Opcodes.POP);
        m.visitLdcInsn(org.objectweb.asm.Type.getMethodType("(Lapp/Named;)Lapp/AlsoGone;"));
        m.visitInsn(Opcodes.POP);
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        w.visitEnd();
        assertThat(LinkCheck.check(w.toByteArray(), Optional.empty(), CLASSES)).extracting(LinkCheck.Unresolved::reference)
                .contains("app.Gone", "app.AlsoGone").doesNotContain("app.Named");
    }

    @Test
    void bytesThatAreNotAClassFileNameNothing() {
        assertThat(LinkCheck.check(new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2}, Optional.empty(), CLASSES)).isEmpty();
        assertThat(ConstantPool.read(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9}))
                .isEmpty();
        assertThat(ConstantPool.of(calling(List.of())).classes()).contains("app/T", "java/lang/Object");
    }
}
