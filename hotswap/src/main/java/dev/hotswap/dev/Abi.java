package dev.hotswap.dev;

import dev.hotswap.classfile.ConstantPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;

/**
 * What other sources compile against in a class file: its name, modifiers, supertypes, generic
 * signature, and every member but the private ones with its modifiers, descriptor, signature,
 * exceptions and, for a constant, its value (javac copies constants into the code that reads
 * them). Two class files with equal {@code Abi} need no dependent recompiled. Also what the class
 * file itself refers to, so the dependents of a class can be found.
 *
 * @param signature the shape other sources see, as one comparable string
 * @param constants the constant fields with their values (a change here reaches sources that name no class)
 * @param references the internal names of the classes this class file names
 */
record Abi(String signature, Set<String> constants, Set<String> references) {

    static Abi of(byte[] bytes) {
        List<String> parts = new ArrayList<>();
        Set<String> constants = new HashSet<>();
        Set<String> references = new HashSet<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                parts.add("class " + access + " " + name + " " + signature + " " + superName + " " + Arrays.toString(interfaces));
            }

            @Override
            public void visitPermittedSubclass(String permittedSubclass) {
                parts.add("permits " + permittedSubclass);
            }

            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
                parts.add("inner " + name + " " + outerName + " " + innerName + " " + access);
            }

            @Override
            public RecordComponentVisitor visitRecordComponent(String name, String descriptor, String signature) {
                parts.add("component " + name + " " + descriptor + " " + signature);
                return null;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                namedIn(descriptor, references);
                if ((access & Opcodes.ACC_PRIVATE) == 0) {
                    parts.add("field " + access + " " + name + " " + descriptor + " " + signature);
                    if (value != null) {
                        constants.add(name + "=" + value);
                    }
                }
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                namedIn(descriptor, references);
                if ((access & Opcodes.ACC_PRIVATE) == 0 && (access & Opcodes.ACC_SYNTHETIC) == 0) {
                    parts.add("method " + access + " " + name + descriptor + " " + signature + " " + Arrays.toString(exceptions));
                }
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        parts.sort(null); // javac's member order is the source's: a member moved is no change
        ConstantPool pool = ConstantPool.of(bytes);
        references.addAll(pool.classes());
        references.addAll(pool.descriptorClasses());
        pool.members().forEach(member -> namedIn(member.descriptor(), references));
        return new Abi(String.join("\n", parts), Set.copyOf(constants), Set.copyOf(references));
    }

    private static final java.util.regex.Pattern OBJECT_TYPE = java.util.regex.Pattern.compile("L([^;<]+);");

    /** The classes a descriptor names. */
    private static void namedIn(String descriptor, Set<String> into) {
        java.util.regex.Matcher m = OBJECT_TYPE.matcher(descriptor);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    /** Whether sources compiled against {@code before} may compile differently against this. */
    boolean differsFrom(Abi before) {
        return before == null || !Objects.equals(signature, before.signature) || !constants.equals(before.constants);
    }

    /** Whether only what javac copies (constant values) could reach sources that do not name the class. */
    boolean constantsDifferFrom(Abi before) {
        return before != null && !constants.equals(before.constants);
    }
}
