package dev.hotswap.classfile;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What one constructor does with its parameters, read from the class file: which field each
 * parameter is stored in ({@code this.repository = repository}), every field of the class the
 * constructor writes (its own assignments and the field initializers javac puts in it), and
 * whether storing the parameters is all it does with them. A dependency-injection framework can
 * then give an existing instance a new constructor's dependencies in place, its state kept.
 *
 * @param fieldOfParameter the field each parameter (by position) is stored in
 * @param written the fields of the class the constructor writes
 * @param onlyAssigns every parameter is stored once in a field of the class and used for nothing
 *                    else, and the constructor calls no other constructor of its own class
 */
public record ConstructorCode(Map<Integer, String> fieldOfParameter, Set<String> written, boolean onlyAssigns) {
    public ConstructorCode {
        fieldOfParameter = Map.copyOf(fieldOfParameter);
        written = Set.copyOf(written);
    }

    /** The constructor of {@code descriptor} in the class file, or empty when it has none or cannot be read. */
    public static Optional<ConstructorCode> read(byte[] classFile, String descriptor) {
        try {
            Finder finder = new Finder(descriptor);
            new ClassReader(classFile).accept(finder, ClassReader.SKIP_FRAMES);
            return Optional.ofNullable(finder.found).map(Reader::code);
        } catch (RuntimeException e) {
            return Optional.empty(); // not a class file we can read: the caller takes the cautious way
        }
    }

    private static final class Finder extends ClassVisitor {
        private final String descriptor;
        private String owner;
        Reader found;

        Finder(String descriptor) {
            super(Opcodes.ASM9);
            this.descriptor = descriptor;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            owner = name;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            if (name.equals("<init>") && descriptor.equals(this.descriptor)) {
                found = new Reader(owner, descriptor);
                return found;
            }
            return null;
        }
    }

    /**
     * Follows the instructions: {@code aload_0; xload p; putfield owner.f}, back to back, stores
     * parameter {@code p}; any other use of a parameter's slot means the constructor does more.
     */
    private static final class Reader extends MethodVisitor {
        private final String owner;
        private final Map<Integer, Integer> parameterAtSlot = new HashMap<>();
        private final Map<Integer, String> fieldOfParameter = new HashMap<>();
        private final Set<String> written = new LinkedHashSet<>();
        private boolean onlyAssigns = true;
        /** 0: nothing pending; 1: {@code aload_0} seen; 2: then a parameter loaded. */
        private int pending;
        private int pendingParameter;

        Reader(String owner, String descriptor) {
            super(Opcodes.ASM9);
            this.owner = owner;
            int slot = 1;
            Type[] parameters = Type.getArgumentTypes(descriptor);
            for (int i = 0; i < parameters.length; i++) {
                parameterAtSlot.put(slot, i);
                slot += parameters[i].getSize();
            }
        }

        ConstructorCode code() {
            boolean all = onlyAssigns && fieldOfParameter.size() == parameterAtSlot.size();
            return new ConstructorCode(fieldOfParameter, written, all);
        }

        private void other() {
            if (pending == 2) {
                onlyAssigns = false; // a parameter loaded for something else than a store in this
            }
            pending = 0;
        }

        @Override
        public void visitVarInsn(int opcode, int slot) {
            boolean load = opcode >= Opcodes.ILOAD && opcode <= Opcodes.ALOAD;
            if (load && slot == 0 && opcode == Opcodes.ALOAD) {
                other();
                pending = 1;
                return;
            }
            Integer parameter = parameterAtSlot.get(slot);
            if (load && parameter != null && pending == 1) {
                pending = 2;
                pendingParameter = parameter;
                return;
            }
            other();
            if (parameter != null) {
                onlyAssigns = false; // loaded elsewhere, or written
            }
        }

        @Override
        public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
            if (opcode == Opcodes.PUTFIELD && fieldOwner.equals(owner)) {
                written.add(name);
                if (pending == 2) {
                    if (fieldOfParameter.containsKey(pendingParameter)) {
                        onlyAssigns = false; // stored twice
                    }
                    fieldOfParameter.put(pendingParameter, name);
                    pending = 0;
                    return;
                }
            }
            other();
        }

        @Override
        public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
            other();
            if (opcode == Opcodes.INVOKESPECIAL && name.equals("<init>") && methodOwner.equals(owner)) {
                onlyAssigns = false; // this(...): another constructor does the work
            }
        }

        @Override
        public void visitIincInsn(int slot, int increment) {
            other();
            if (parameterAtSlot.containsKey(slot)) {
                onlyAssigns = false;
            }
        }

        @Override
        public void visitInsn(int opcode) {
            other();
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            other();
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            other();
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            other();
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            other();
        }

        @Override
        public void visitLdcInsn(Object value) {
            other();
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label fallback, Label... labels) {
            other();
        }

        @Override
        public void visitLookupSwitchInsn(Label fallback, int[] keys, Label[] labels) {
            other();
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
            other();
        }
    }
}
