package dev.hotswap.structural;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

/**
 * The JDK's helpful {@code NullPointerException} messages (JEP 358) for code that runs in a hidden
 * version: the JVM computes them from the top frame of the exception's trace, which for a hidden
 * class is left out, so the message would be null. Computed here instead, for each instruction of
 * the method as compiled that can throw one, with HotSpot's wording ({@code bytecodeUtils.cpp}):
 * the action that failed, and, where every path agrees on it, what was null. {@link Marking}
 * brackets each instruction that may throw one with labels as the method is written, and
 * {@link FrameMarker} gives each bracket a handler that hands its key to {@link Linker#helpful};
 * the messages are computed only then, the first time one of the version's methods throws one,
 * so that a swap costs nothing for them.
 */
final class NullMessages {
    private static final int MAX_DETAIL = 5;

    /** One instruction that may throw, bracketed; {@code key} finds its message ({@link #key}). */
    record Range(Label start, Label end, String key) {
    }

    /** What a handler hands {@link Linker#helpful}: the method (name + descriptor) and the instruction's ordinal in it. */
    static String key(String method, int ordinal) {
        return method + "#" + ordinal;
    }

    /** The message for a {@link #key}, from the messages of a class file; null when there is none. */
    static String message(Map<String, String[]> messages, String key) {
        int hash = key.lastIndexOf('#');
        String[] method = messages.get(key.substring(0, hash));
        int ordinal = Integer.parseInt(key.substring(hash + 1));
        return method == null || ordinal >= method.length ? null : method[ordinal];
    }

    private NullMessages() {
    }

    /** Per method (name + descriptor): the message of each instruction by its ordinal, null where it throws none. */
    static Map<String, String[]> of(byte[] classFile) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, 0);
        Map<String, String[]> result = new HashMap<>();
        for (MethodNode m : node.methods) {
            if (m.instructions.size() == 0) {
                continue;
            }
            try {
                result.put(m.name + m.desc, messages(node.name, m));
            } catch (AnalyzerException | RuntimeException e) {
                // no helpful messages for this method: its NPEs keep the JVM's (null) one
            }
        }
        return result;
    }

    private static String[] messages(String owner, MethodNode m) throws AnalyzerException {
        Frame<SourceValue>[] frames = new Analyzer<>(new SourceInterpreter()).analyze(owner, m);
        List<AbstractInsnNode> insns = new ArrayList<>();
        for (AbstractInsnNode i : m.instructions) {
            if (i.getOpcode() >= 0) {
                insns.add(i);
            }
        }
        String[] out = new String[insns.size()];
        Describer d = new Describer(m, frames);
        for (int k = 0; k < out.length; k++) {
            AbstractInsnNode insn = insns.get(k);
            Frame<SourceValue> f = frames[m.instructions.indexOf(insn)];
            if (f == null) {
                continue; // unreachable
            }
            int depth = nullDepth(insn);
            if (depth < 0 || f.getStackSize() <= depth) {
                continue;
            }
            SourceValue value = f.getStack(f.getStackSize() - 1 - depth);
            if (cannotBeNull(d.source(value))) {
                continue;
            }
            String cause = d.describe(value, MAX_DETAIL, false);
            // HotSpot quotes an expression, not a return value: because the return value of "A.b()" is null.
            out[k] = action(insn) + (cause == null ? "" : cause.startsWith("the return value of ")
                    ? " because " + cause + " is null" : " because \"" + cause + "\" is null");
        }
        return out;
    }

    /** How deep on the operand stack the reference the instruction needs non-null lies (0: on top); -1 for none. */
    private static int nullDepth(AbstractInsnNode insn) {
        int op = insn.getOpcode();
        switch (op) {
            case Opcodes.GETFIELD, Opcodes.ARRAYLENGTH, Opcodes.ATHROW, Opcodes.MONITORENTER, Opcodes.MONITOREXIT:
                return 0;
            case Opcodes.IALOAD, Opcodes.LALOAD, Opcodes.FALOAD, Opcodes.DALOAD, Opcodes.AALOAD, Opcodes.BALOAD,
                 Opcodes.CALOAD, Opcodes.SALOAD:
                return 1;
            case Opcodes.IASTORE, Opcodes.LASTORE, Opcodes.FASTORE, Opcodes.DASTORE, Opcodes.AASTORE, Opcodes.BASTORE,
                 Opcodes.CASTORE, Opcodes.SASTORE:
                return 2;
            case Opcodes.PUTFIELD:
                return 1;
            case Opcodes.INVOKEVIRTUAL, Opcodes.INVOKESPECIAL, Opcodes.INVOKEINTERFACE:
                MethodInsnNode call = (MethodInsnNode) insn;
                return call.name.equals("<init>") ? -1 : Type.getArgumentTypes(call.desc).length;
            default:
                return -1;
        }
    }

    private static boolean cannotBeNull(AbstractInsnNode source) {
        if (source == null) {
            return false;
        }
        int op = source.getOpcode();
        return op == Opcodes.NEW || op == Opcodes.NEWARRAY || op == Opcodes.ANEWARRAY || op == Opcodes.MULTIANEWARRAY
                || op == Opcodes.LDC;
    }

    /** The failed action, as {@code ExceptionMessageBuilder::print_NPE_failed_action} words it. */
    private static String action(AbstractInsnNode insn) {
        return switch (insn.getOpcode()) {
            case Opcodes.IALOAD -> "Cannot load from int array";
            case Opcodes.LALOAD -> "Cannot load from long array";
            case Opcodes.FALOAD -> "Cannot load from float array";
            case Opcodes.DALOAD -> "Cannot load from double array";
            case Opcodes.AALOAD -> "Cannot load from object array";
            case Opcodes.BALOAD -> "Cannot load from byte/boolean array";
            case Opcodes.CALOAD -> "Cannot load from char array";
            case Opcodes.SALOAD -> "Cannot load from short array";
            case Opcodes.IASTORE -> "Cannot store to int array";
            case Opcodes.LASTORE -> "Cannot store to long array";
            case Opcodes.FASTORE -> "Cannot store to float array";
            case Opcodes.DASTORE -> "Cannot store to double array";
            case Opcodes.AASTORE -> "Cannot store to object array";
            case Opcodes.BASTORE -> "Cannot store to byte/boolean array";
            case Opcodes.CASTORE -> "Cannot store to char array";
            case Opcodes.SASTORE -> "Cannot store to short array";
            case Opcodes.ARRAYLENGTH -> "Cannot read the array length";
            case Opcodes.ATHROW -> "Cannot throw exception";
            case Opcodes.MONITORENTER -> "Cannot enter synchronized block";
            case Opcodes.MONITOREXIT -> "Cannot exit synchronized block";
            case Opcodes.GETFIELD -> "Cannot read field \"" + ((FieldInsnNode) insn).name + "\"";
            case Opcodes.PUTFIELD -> "Cannot assign field \"" + ((FieldInsnNode) insn).name + "\"";
            default -> "Cannot invoke \"" + method((MethodInsnNode) insn) + "\"";
        };
    }

    static String method(MethodInsnNode call) {
        StringBuilder s = new StringBuilder(klass(call.owner)).append('.').append(call.name).append('(');
        Type[] arguments = Type.getArgumentTypes(call.desc);
        for (int i = 0; i < arguments.length; i++) {
            s.append(i == 0 ? "" : ", ").append(klass(arguments[i].getClassName().replace('.', '/')));
        }
        return s.append(')').toString();
    }

    /** HotSpot's {@code print_klass_name}: the external name, {@code Object} and {@code String} without their package. */
    private static String klass(String internalName) {
        String name = internalName.replace('/', '.');
        return name.equals("java.lang.Object") ? "Object" : name.equals("java.lang.String") ? "String"
                : name.replace("java.lang.Object[", "Object[").replace("java.lang.String[", "String[");
    }

    /** What a null value was, as {@code ExceptionMessageBuilder::print_NPE_cause0} describes it; null when unknown. */
    private static final class Describer {
        private final MethodNode method;
        private final Frame<SourceValue>[] frames;

        Describer(MethodNode method, Frame<SourceValue>[] frames) {
            this.method = method;
            this.frames = frames;
        }

        /** The one instruction that produced the value, looking through copies and casts; null when paths differ. */
        AbstractInsnNode source(SourceValue value) {
            for (int hops = 0; hops < 16; hops++) {
                if (value.insns.size() != 1) {
                    return null;
                }
                AbstractInsnNode insn = value.insns.iterator().next();
                int op = insn.getOpcode();
                boolean passesThrough = op == Opcodes.CHECKCAST || (op >= Opcodes.DUP && op <= Opcodes.SWAP);
                if (!passesThrough) {
                    return insn;
                }
                Frame<SourceValue> before = frames[method.instructions.indexOf(insn)];
                if (before == null || before.getStackSize() == 0) {
                    return null;
                }
                // A cast and the dups copy the value on top (the only one a dereference meets in javac's code).
                value = before.getStack(before.getStackSize() - 1);
            }
            return null;
        }

        /** {@code inner}: part of a larger expression ({@code a.b().c}), where a call is written as itself. */
        String describe(SourceValue value, int detail, boolean inner) {
            AbstractInsnNode insn = source(value);
            if (insn == null || detail <= 0) {
                return null;
            }
            Frame<SourceValue> before = frames[method.instructions.indexOf(insn)];
            int op = insn.getOpcode();
            switch (op) {
                case Opcodes.ACONST_NULL:
                    return "null";
                case Opcodes.ICONST_M1, Opcodes.ICONST_0, Opcodes.ICONST_1, Opcodes.ICONST_2, Opcodes.ICONST_3,
                     Opcodes.ICONST_4, Opcodes.ICONST_5:
                    return Integer.toString(op - Opcodes.ICONST_0);
                case Opcodes.BIPUSH, Opcodes.SIPUSH:
                    return Integer.toString(((IntInsnNode) insn).operand);
                case Opcodes.ILOAD, Opcodes.ALOAD:
                    return local((VarInsnNode) insn);
                case Opcodes.GETSTATIC: {
                    FieldInsnNode f = (FieldInsnNode) insn;
                    return klass(f.owner) + "." + f.name;
                }
                case Opcodes.GETFIELD: {
                    FieldInsnNode f = (FieldInsnNode) insn;
                    String object = before == null ? null : describe(before.getStack(before.getStackSize() - 1), detail - 1, true);
                    return (object == null ? "" : object + ".") + f.name;
                }
                case Opcodes.INVOKEVIRTUAL, Opcodes.INVOKESPECIAL, Opcodes.INVOKESTATIC, Opcodes.INVOKEINTERFACE:
                    return inner ? method((MethodInsnNode) insn) : "the return value of \"" + method((MethodInsnNode) insn) + "\"";
                case Opcodes.AALOAD, Opcodes.IALOAD: {
                    if (before == null) {
                        return null;
                    }
                    String array = describe(before.getStack(before.getStackSize() - 2), detail - 1, true);
                    String index = describe(before.getStack(before.getStackSize() - 1), detail - 1, true);
                    return array == null ? null : array + "[" + (index == null ? "..." : index) + "]";
                }
                default:
                    return null;
            }
        }

        /** HotSpot's {@code print_local_var}: the name the local variable table gives, else this, parameter or slot. */
        private String local(VarInsnNode load) {
            int at = method.instructions.indexOf(load);
            if (method.localVariables != null) {
                for (LocalVariableNode v : method.localVariables) {
                    if (v.index == load.var && method.instructions.indexOf(v.start) <= at
                            && at < method.instructions.indexOf(v.end)) {
                        return v.name;
                    }
                }
            }
            boolean isStatic = (method.access & Opcodes.ACC_STATIC) != 0;
            boolean parameter = !storedAnywhere(load.var);
            if (!isStatic && load.var == 0 && parameter) {
                return "this";
            }
            int slot = isStatic ? 0 : 1;
            int index = 1;
            for (Type p : Type.getArgumentTypes(method.desc)) {
                if (load.var >= slot && load.var < slot + p.getSize()) {
                    return parameter ? "<parameter" + index + ">" : "<local" + load.var + ">";
                }
                slot += p.getSize();
                index++;
            }
            return "<local" + load.var + ">";
        }

        private boolean storedAnywhere(int var) {
            for (AbstractInsnNode i : method.instructions) {
                if (i instanceof VarInsnNode v && v.var == var && v.getOpcode() >= Opcodes.ISTORE
                        && v.getOpcode() <= Opcodes.ASTORE) {
                    return true;
                }
                if (i instanceof org.objectweb.asm.tree.IincInsnNode inc && inc.var == var) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A {@link #key} that is the message itself: a slash cannot begin a method's name. */
    static String literal(String message) {
        return "/" + message;
    }

    /** The message a {@link #literal} key holds, or null for a key of a version's instruction. */
    static String ofLiteral(String key) {
        return key.startsWith("/") ? key.substring(1) : null;
    }

    /**
     * Upstream of the code rewriting: brackets each instruction of the method as compiled that has
     * a message with labels (which pass through every rewriter), and records the brackets.
     */
    static final class Marking extends MethodVisitor {
        private final String method;
        private final List<Range> ranges;
        private int ordinal;
        private Label open;

        Marking(MethodVisitor next, String method, List<Range> ranges) {
            super(Opcodes.ASM9, next);
            this.method = method;
            this.ranges = ranges;
        }

        private void before(boolean mayThrow) {
            if (mayThrow) {
                open = new Label();
                super.visitLabel(open);
            }
        }

        private void after() {
            if (open != null) {
                Label end = new Label();
                super.visitLabel(end);
                ranges.add(new Range(open, end, key(method, ordinal)));
                open = null;
            }
            ordinal++;
        }

        @Override
        public void visitInsn(int opcode) {
            before(nullDepth(new InsnNode(opcode)) >= 0);
            super.visitInsn(opcode);
            after();
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            before(false);
            super.visitIntInsn(opcode, operand);
            after();
        }

        @Override
        public void visitVarInsn(int opcode, int var) {
            before(false);
            super.visitVarInsn(opcode, var);
            after();
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            before(false);
            super.visitTypeInsn(opcode, type);
            after();
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            before(opcode == Opcodes.GETFIELD || opcode == Opcodes.PUTFIELD);
            super.visitFieldInsn(opcode, owner, name, descriptor);
            after();
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            before(opcode != Opcodes.INVOKESTATIC && !name.equals("<init>"));
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            after();
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            before(false);
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
            after();
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            before(false);
            super.visitJumpInsn(opcode, label);
            after();
        }

        @Override
        public void visitLdcInsn(Object value) {
            before(false);
            super.visitLdcInsn(value);
            after();
        }

        @Override
        public void visitIincInsn(int var, int increment) {
            before(false);
            super.visitIincInsn(var, increment);
            after();
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            before(false);
            super.visitTableSwitchInsn(min, max, dflt, labels);
            after();
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            before(false);
            super.visitLookupSwitchInsn(dflt, keys, labels);
            after();
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
            before(false);
            super.visitMultiANewArrayInsn(descriptor, dimensions);
            after();
        }
    }
}
