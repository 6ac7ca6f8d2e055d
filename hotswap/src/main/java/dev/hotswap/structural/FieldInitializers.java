package dev.hotswap.structural;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.classfile.ClassModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicInterpreter;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

/**
 * The initializers of instance fields a swap added, cut out of the new constructor so that an
 * object made before the swap gets the field as its initializer gives it, at its first read,
 * instead of 0, null, false ({@link FieldStore}).
 *
 * <p>The rule. javac writes a field's initializer into every constructor that calls
 * {@code super(...)}, after that call, as one statement: {@code this.f = <expression>}. The
 * statement is found in the first such constructor (from the last point before the store where
 * the operand stack is empty) and cut out when it stands alone: straight-line code (no jump,
 * switch or try: a ternary or a switch expression is not cut), that reads no local but
 * {@code this} (so no constructor parameter), and the field is stored nowhere else in that
 * constructor. It becomes the static method {@code $hotswap$init$<field>(Object self)}, the value
 * boxed, written into the version with the class's other code. A field whose initializer cannot be
 * cut stays at 0, null, false for objects made before, and the swap says so ({@link #warnings}).
 */
final class FieldInitializers {
    static final String PREFIX = "$hotswap$init$";
    static final String DESCRIPTOR = "(Ljava/lang/Object;)Ljava/lang/Object;";

    private FieldInitializers() {
    }

    /**
     * The initializer of one field: its method, or why it cannot run for objects made before
     * ({@code method} null then).
     */
    record Cut(String field, MethodNode method, String why) {
    }

    /**
     * The cuts for {@code fields} ({@code name:descriptor}, instance fields of {@code next}) that a
     * constructor of {@code next} stores; a field no constructor stores has no initializer and no cut.
     */
    static List<Cut> cut(byte[] next, Set<String> fields) {
        List<Cut> cuts = new ArrayList<>();
        if (fields.isEmpty()) {
            return cuts;
        }
        try {
            return cut(next, fields, cuts);
        } catch (RuntimeException e) {
            // A constructor this cannot read: its added fields keep their defaults, as before there was this.
            cuts.clear();
            fields.forEach(f -> cuts.add(new Cut(f, null, "its initializer could not be read apart from its constructor (" + e + ")")));
            return cuts;
        }
    }

    private static List<Cut> cut(byte[] next, Set<String> fields, List<Cut> cuts) {
        ClassNode node = new ClassNode();
        new ClassReader(next).accept(node, ClassReader.SKIP_FRAMES);
        for (MethodNode ctor : node.methods) {
            if (!ctor.name.equals("<init>")) {
                continue;
            }
            Frame<BasicValue>[] frames;
            try {
                frames = new Analyzer<>(new BasicInterpreter()).analyze(node.name, ctor);
            } catch (AnalyzerException e) {
                return cuts;
            }
            AbstractInsnNode[] insns = ctor.instructions.toArray();
            int superCall = superCall(node, insns, frames);
            if (superCall < 0) {
                continue; // this(...): the initializers are in the constructor it calls
            }
            Map<String, List<Integer>> stores = new HashMap<>();
            for (int i = superCall + 1; i < insns.length; i++) {
                if (insns[i] instanceof FieldInsnNode f && f.getOpcode() == Opcodes.PUTFIELD && f.owner.equals(node.name)
                        && fields.contains(f.name + ":" + f.desc)) {
                    stores.computeIfAbsent(f.name + ":" + f.desc, k -> new ArrayList<>()).add(i);
                }
            }
            for (Map.Entry<String, List<Integer>> e : stores.entrySet()) {
                String field = e.getKey();
                if (e.getValue().size() > 1) {
                    cuts.add(new Cut(field, null, "the constructor sets it more than once"));
                    continue;
                }
                cuts.add(cut(node, ctor, insns, frames, superCall, e.getValue().get(0), field));
            }
            return cuts; // one constructor that calls super(...) holds every initializer
        }
        return cuts;
    }

    /**
     * The warnings of a swap to {@code next}: one for each instance field it adds (the loaded class
     * and {@code previous} lack it) whose initializer cannot run alone, so that objects made before
     * the swap read it as 0, null, false.
     */
    static List<Problem> warnings(String className, ClassModel previous, ClassModel next, byte[] nextBytes,
                                  CodeRewriter.Loaded loaded) {
        Set<String> added = VersionWriter.addedInstanceFields(next, loaded);
        previous.fields().forEach(f -> added.remove(f.name() + ":" + f.descriptor()));
        List<Problem> warnings = new ArrayList<>();
        for (Cut cut : cut(nextBytes, added)) {
            if (cut.method() == null) {
                warnings.add(new Problem(className, cut.field().substring(0, cut.field().indexOf(':')),
                        "objects made before this swap read the added field " + cut.field().substring(0, cut.field().indexOf(':'))
                                + " as 0, null, false: " + cut.why() + "; objects made from now on get it"
                                + " (restart to have it in every object)",
                        ReloadOutcome.Kind.FIELD_NOT_INITIALIZED));
            }
        }
        return warnings;
    }

    /** The index of the constructor's {@code super(...)} call, or -1 for {@code this(...)} (or none found). */
    private static int superCall(ClassNode node, AbstractInsnNode[] insns, Frame<BasicValue>[] frames) {
        for (int i = 0; i < insns.length; i++) {
            if (insns[i] instanceof MethodInsnNode m && m.getOpcode() == Opcodes.INVOKESPECIAL && m.name.equals("<init>")
                    && frames[i] != null && frames[i].getStackSize() == Type.getArgumentTypes(m.desc).length + 1
                    && (m.owner.equals(node.superName) || m.owner.equals(node.name))) {
                return m.owner.equals(node.name) ? -1 : i;
            }
        }
        return -1;
    }

    private static Cut cut(ClassNode node, MethodNode ctor, AbstractInsnNode[] insns, Frame<BasicValue>[] frames,
                           int superCall, int store, String field) {
        int start = -1;
        for (int i = store - 1; i > superCall; i--) {
            if (insns[i].getOpcode() >= 0 && frames[i] != null && frames[i].getStackSize() == 0) {
                start = i;
                break;
            }
        }
        if (start < 0 || !(insns[start] instanceof VarInsnNode v) || v.getOpcode() != Opcodes.ALOAD || v.var != 0) {
            return new Cut(field, null, "its value is not one statement of its own in the constructor");
        }
        for (TryCatchBlockNode t : ctor.tryCatchBlocks) {
            int from = ctor.instructions.indexOf(t.start);
            int to = ctor.instructions.indexOf(t.end);
            if (from < store && to > start) {
                return new Cut(field, null, "the constructor sets it inside a try block");
            }
        }
        for (int i = start + 1; i < store; i++) {
            AbstractInsnNode insn = insns[i];
            if (insn instanceof JumpInsnNode || insn instanceof TableSwitchInsnNode || insn instanceof LookupSwitchInsnNode) {
                return new Cut(field, null, "its initializer has branches (a condition or a switch)");
            }
            if ((insn instanceof VarInsnNode local && (local.var != 0 || local.getOpcode() != Opcodes.ALOAD))
                    || insn instanceof IincInsnNode) {
                return new Cut(field, null, "the constructor sets it from its parameters or locals");
            }
            int op = insn.getOpcode();
            if (op == Opcodes.ATHROW || op == Opcodes.MONITORENTER || op == Opcodes.MONITOREXIT
                    || (op >= Opcodes.IRETURN && op <= Opcodes.RETURN)) {
                return new Cut(field, null, "its initializer is not a plain expression");
            }
        }
        String name = field.substring(0, field.indexOf(':'));
        Type type = Type.getType(field.substring(field.indexOf(':') + 1));
        MethodNode method = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                PREFIX + name, DESCRIPTOR, null, null);
        // The statement's line, for traces of what it throws.
        for (int i = start; i >= 0; i--) {
            if (insns[i] instanceof LineNumberNode line) {
                LabelNode first = new LabelNode();
                method.instructions.add(first);
                method.instructions.add(new LineNumberNode(line.line, first));
                break;
            }
        }
        method.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        method.instructions.add(new TypeInsnNode(Opcodes.CHECKCAST, node.name));
        method.instructions.add(new VarInsnNode(Opcodes.ASTORE, 0));
        Map<LabelNode, LabelNode> labels = new HashMap<>();
        for (int i = start + 1; i < store; i++) {
            if (insns[i] instanceof LabelNode label) {
                labels.put(label, new LabelNode());
            }
        }
        for (int i = start + 1; i < store; i++) {
            AbstractInsnNode insn = insns[i];
            if (!(insn instanceof FrameNode) && !(insn instanceof LineNumberNode line && !labels.containsKey(line.start))) {
                method.instructions.add(insn.clone(labels));
            }
        }
        box(method, type);
        method.instructions.add(new InsnNode(Opcodes.ARETURN));
        method.maxStack = ctor.maxStack + 2;
        method.maxLocals = Math.max(1, ctor.maxLocals);
        return new Cut(field, method, "");
    }

    private static void box(MethodNode method, Type type) {
        String boxed = Boxes.of(type);
        if (boxed != null) {
            method.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, boxed, "valueOf",
                    "(" + type.getDescriptor() + ")L" + boxed + ";", false));
        }
    }
}
