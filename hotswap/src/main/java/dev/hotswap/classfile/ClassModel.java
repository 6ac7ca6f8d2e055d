package dev.hotswap.classfile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;
import org.objectweb.asm.TypePath;

/**
 * The shape of one class file, read without loading it: everything that decides whether a new
 * version can replace the running one. Method bodies are not kept; they never matter to that
 * decision.
 *
 * @param name internal name, e.g. {@code com/example/Demo}
 * @param access class access flags as written (ASM pseudo-flags removed)
 * @param superName internal name of the superclass, empty for {@code java/lang/Object}
 */
public record ClassModel(
        String name,
        int access,
        String superName,
        List<String> interfaces,
        List<Member> fields,
        List<Member> methods,
        Optional<String> nestHost,
        List<String> nestMembers,
        List<String> permittedSubclasses,
        List<Member> recordComponents,
        List<Member> onReloadMethods,
        Map<String, Long> bodyHashes,
        long face) {

    /** Descriptor of {@code dev.hotswap.OnReload}, matched by name so no class is loaded. */
    public static final String ON_RELOAD_DESCRIPTOR = "Ldev/hotswap/OnReload;";

    /** ASM adds flags above 16 bits (record, deprecated) that are not in the class file. */
    private static final int CLASS_FILE_FLAGS = 0xFFFF;

    public ClassModel {
        interfaces = List.copyOf(interfaces);
        fields = List.copyOf(fields);
        methods = List.copyOf(methods);
        nestMembers = List.copyOf(nestMembers);
        permittedSubclasses = List.copyOf(permittedSubclasses);
        recordComponents = List.copyOf(recordComponents);
        onReloadMethods = List.copyOf(onReloadMethods);
        bodyHashes = Map.copyOf(bodyHashes);
    }

    /**
     * A hash of a method's instructions with their operands resolved (names, constants), so that
     * equal code hashes equal whatever the constant pool layout; line numbers are left out.
     * Keyed by name + descriptor; absent for abstract and native methods.
     */
    public Optional<Long> bodyHash(Member method) {
        return Optional.ofNullable(bodyHashes.get(method.name() + method.descriptor()));
    }

    /**
     * Whether reflection sees {@code other} as it sees this class: the same header, members (in
     * order) and {@link Face} (signatures, annotations, exceptions, parameter names, ...); only
     * code may differ.
     */
    public boolean sameFace(ClassModel other) {
        return name.equals(other.name) && access == other.access && superName.equals(other.superName)
                && interfaces.equals(other.interfaces) && fields.equals(other.fields) && methods.equals(other.methods)
                && nestHost.equals(other.nestHost) && nestMembers.equals(other.nestMembers)
                && permittedSubclasses.equals(other.permittedSubclasses) && recordComponents.equals(other.recordComponents)
                && face == other.face;
    }

    /** A field, method or record component: name, descriptor, access flags. */
    public record Member(String name, String descriptor, int access) {
        public boolean is(int flag) {
            return (access & flag) != 0;
        }
    }

    /** The class name as Java source spells it, e.g. {@code com.example.Demo$Inner}. */
    public String javaName() {
        return name.replace('/', '.');
    }

    /**
     * Reads a whole class file, every method body included, so that a truncated or corrupt file
     * is caught here rather than by the JVM.
     *
     * @throws InvalidClassFileException when the bytes are not a complete, well-formed class file
     */
    public static ClassModel parse(byte[] bytes) throws InvalidClassFileException {
        if (bytes.length < 10
                || (bytes[0] & 0xFF) != 0xCA || (bytes[1] & 0xFF) != 0xFE
                || (bytes[2] & 0xFF) != 0xBA || (bytes[3] & 0xFF) != 0xBE) {
            throw new InvalidClassFileException(bytes.length < 4
                    ? "only " + bytes.length + " bytes (empty or half-written)"
                    : "does not start with 0xCAFEBABE");
        }
        try {
            ClassReader reader = new ClassReader(bytes);
            Collector collector = new Collector();
            reader.accept(collector, 0);
            // ASM decodes any bytes; the JVM refuses a string that is not legal modified UTF-8.
            int illegal = ConstantPool.illegalUtf8(bytes);
            if (illegal > 0) {
                throw new InvalidClassFileException("a malformed class file (constant #" + illegal
                        + " is not legal modified UTF-8)");
            }
            return collector.model();
        } catch (Descriptors.Malformed e) {
            throw new InvalidClassFileException("a malformed class file (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            // ASM signals a cut-off or corrupt file with whatever index exception it hits first.
            throw new InvalidClassFileException(
                    "not a complete class file (" + bytes.length + " bytes: " + e + ")");
        }
    }

    private static final class Collector extends ClassVisitor {
        private String name;
        private int access;
        private String superName;
        private List<String> interfaces = List.of();
        private final List<Member> fields = new ArrayList<>();
        private final List<Member> methods = new ArrayList<>();
        private String nestHost;
        private final List<String> nestMembers = new ArrayList<>();
        private final List<String> permitted = new ArrayList<>();
        private final List<Member> components = new ArrayList<>();
        private final List<Member> onReload = new ArrayList<>();
        private final Map<String, Long> hashes = new HashMap<>();
        private final Face face = new Face();

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            Descriptors.className(name, "", "(the class's own name)");
            if (superName != null) {
                Descriptors.className(superName, "", "(its superclass)");
            }
            if (interfaces != null) {
                for (String i : interfaces) {
                    Descriptors.className(i, "", "(an interface)");
                }
            }
            this.name = name;
            this.access = access & CLASS_FILE_FLAGS;
            this.superName = superName == null ? "" : superName;
            this.interfaces = interfaces == null ? List.of() : List.of(interfaces);
            face.mix("class", signature);
        }

        @Override
        public void visitOuterClass(String owner, String name, String descriptor) {
            face.mix("outer", owner, name, descriptor);
        }

        @Override
        public void visitInnerClass(String name, String outerName, String innerName, int access) {
            face.mix("inner", name, outerName, innerName, access);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            return face.annotation("@", descriptor, visible);
        }

        @Override
        public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
            return face.typeAnnotation(typeRef, typePath, descriptor, visible);
        }

        @Override
        public void visitNestHost(String nestHost) {
            this.nestHost = nestHost;
        }

        @Override
        public void visitNestMember(String nestMember) {
            nestMembers.add(nestMember);
        }

        @Override
        public void visitPermittedSubclass(String permittedSubclass) {
            permitted.add(permittedSubclass);
        }

        @Override
        public RecordComponentVisitor visitRecordComponent(String name, String descriptor, String signature) {
            components.add(new Member(name, descriptor, 0));
            face.mix("component", name, signature);
            return face.recordComponent();
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            Descriptors.name(name, false, "", "(a field)");
            Descriptors.field(descriptor, "of field ", name);
            fields.add(new Member(name, descriptor, access & CLASS_FILE_FLAGS));
            face.mix("field", name, signature, value);
            return face.field();
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            Descriptors.name(name, true, "", "(a method)");
            Descriptors.method(descriptor, "of method ", name);
            Member method = new Member(name, descriptor, access & CLASS_FILE_FLAGS);
            methods.add(method);
            face.mix("method", name, descriptor, signature, exceptions);
            return new CodeHasher(method);
        }

        ClassModel model() {
            return new ClassModel(name, access, superName, interfaces, fields, methods,
                    Optional.ofNullable(nestHost), nestMembers, permitted, components, onReload, hashes, face.value());
        }

        /** Reads every instruction (a body cut short fails here) and folds it into a hash. */
        private final class CodeHasher extends MethodVisitor {
            private final Member method;
            private final Map<Label, Integer> labels = new HashMap<>();
            private long hash = 0xcbf29ce484222325L;
            private boolean code;

            CodeHasher(Member method) {
                super(Opcodes.ASM9);
                this.method = method;
            }

            // Allocation-free: this runs on every instruction of every class parsed, mostly
            // interpreted (reloads are too rare for the JIT to warm it up).
            private void mix(int value) {
                code = true;
                hash = (hash ^ value) * 0x100000001b3L;
            }

            private void mix(Object value) {
                mix(value == null ? 0 : value instanceof Label l ? label(l) : value.hashCode());
            }

            private void mix(Object... values) {
                for (Object value : values) {
                    mix(value);
                }
            }

            private int label(Label l) {
                return labels.computeIfAbsent(l, k -> labels.size());
            }

            @Override
            public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                if (ON_RELOAD_DESCRIPTOR.equals(annotation)) {
                    onReload.add(method);
                }
                return face.annotation("@", annotation, visible);
            }

            @Override
            public AnnotationVisitor visitAnnotationDefault() {
                return face.annotation("default");
            }

            @Override
            public void visitAnnotableParameterCount(int parameterCount, boolean visible) {
                face.mix("parameters", parameterCount, visible);
            }

            @Override
            public AnnotationVisitor visitParameterAnnotation(int parameter, String descriptor, boolean visible) {
                return face.annotation("@", parameter, descriptor, visible);
            }

            @Override
            public void visitParameter(String name, int access) {
                face.mix("parameter", name, access);
            }

            @Override
            public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
                return face.typeAnnotation(typeRef, typePath, descriptor, visible);
            }

            @Override
            public void visitInsn(int opcode) {
                mix(opcode);
            }

            @Override
            public void visitIntInsn(int opcode, int operand) {
                mix(opcode);
                mix(operand);
            }

            @Override
            public void visitVarInsn(int opcode, int var) {
                mix(opcode);
                mix(var);
            }

            // Member names in references are only compared, never parsed: one that is malformed names
            // nothing that exists and the link check refuses it. Descriptors and class names are parsed.
            private void handle(Handle h) {
                Descriptors.className(h.getOwner(), "in ", method.name());
                if (h.getTag() <= Opcodes.H_PUTSTATIC) {
                    Descriptors.field(h.getDesc(), "in ", method.name());
                } else {
                    Descriptors.method(h.getDesc(), "in ", method.name());
                }
            }

            @Override
            public void visitTypeInsn(int opcode, String type) {
                Descriptors.className(type, "in ", method.name());
                mix(opcode);
                mix((Object) type);
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                Descriptors.className(owner, "in ", method.name());
                Descriptors.field(descriptor, "in ", method.name());
                mix(opcode);
                mix((Object) owner);
                mix((Object) name);
                mix((Object) descriptor);
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                Descriptors.className(owner, "in ", method.name());
                Descriptors.method(descriptor, "in ", method.name());
                mix(opcode);
                mix((Object) owner);
                mix((Object) name);
                mix((Object) descriptor);
                mix(isInterface ? 1 : 0);
            }

            @Override
            public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... args) {
                Descriptors.method(descriptor, "in ", method.name());
                handle(bsm);
                for (Object arg : args) {
                    if (arg instanceof Handle h) {
                        handle(h);
                    } else if (arg instanceof org.objectweb.asm.Type t && t.getSort() == org.objectweb.asm.Type.METHOD) {
                        Descriptors.method(t.getDescriptor(), "in ", method.name());
                    }
                }
                mix(Opcodes.INVOKEDYNAMIC);
                mix(name, descriptor, bsm);
                mix(args);
            }

            @Override
            public void visitJumpInsn(int opcode, Label label) {
                mix(opcode);
                mix((Object) label);
            }

            @Override
            public void visitLabel(Label label) {
                mix(-1);
                mix((Object) label);
            }

            @Override
            public void visitLdcInsn(Object value) {
                if (value instanceof Handle h) {
                    handle(h);
                }
                mix(Opcodes.LDC);
                mix(value.getClass().hashCode());
                mix(value);
            }

            @Override
            public void visitIincInsn(int var, int increment) {
                mix(Opcodes.IINC);
                mix(var);
                mix(increment);
            }

            @Override
            public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
                mix(Opcodes.TABLESWITCH);
                mix(min);
                mix(max);
                mix((Object) dflt);
                mix((Object[]) targets);
            }

            @Override
            public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
                mix(Opcodes.LOOKUPSWITCH);
                mix((Object) dflt);
                mix(java.util.Arrays.hashCode(keys));
                mix((Object[]) targets);
            }

            @Override
            public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
                mix(Opcodes.MULTIANEWARRAY);
                mix((Object) descriptor);
                mix(dimensions);
            }

            @Override
            public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                mix(-2);
                mix(start, end, handler, type);
            }

            @Override
            public void visitEnd() {
                if (code) {
                    hashes.put(method.name() + method.descriptor(), hash);
                }
            }
        }
    }
}
