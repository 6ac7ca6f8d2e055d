package dev.hotswap.classfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;

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
        List<Member> onReloadMethods) {

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

    public boolean isModuleInfo() {
        return name.equals("module-info") || (access & Opcodes.ACC_MODULE) != 0;
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
            return collector.model();
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

        /** Reads every instruction so a body cut short fails here, and drops them at once. */
        private static final MethodVisitor DISCARD_CODE = new MethodVisitor(Opcodes.ASM9) { };

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            this.name = name;
            this.access = access & CLASS_FILE_FLAGS;
            this.superName = superName == null ? "" : superName;
            this.interfaces = interfaces == null ? List.of() : List.of(interfaces);
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
            return null;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            fields.add(new Member(name, descriptor, access & CLASS_FILE_FLAGS));
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            Member method = new Member(name, descriptor, access & CLASS_FILE_FLAGS);
            methods.add(method);
            return new MethodVisitor(Opcodes.ASM9, DISCARD_CODE) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    if (ON_RELOAD_DESCRIPTOR.equals(annotation)) {
                        onReload.add(method);
                    }
                    return null;
                }
            };
        }

        ClassModel model() {
            return new ClassModel(name, access, superName, interfaces, fields, methods,
                    Optional.ofNullable(nestHost), nestMembers, permitted, components, onReload);
        }
    }
}
