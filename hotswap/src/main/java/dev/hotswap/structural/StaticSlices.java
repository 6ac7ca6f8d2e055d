package dev.hotswap.structural;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
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
 * Which statics a changed static initializer gives new values, and the part of it that is run
 * again for them.
 *
 * <p>The rule. {@code <clinit>} is cut after each store to a static of the class itself where the
 * stack is empty: the code since the previous cut belongs to that store's field (its slice). Cuts
 * that code crosses are taken back, so that slices merge into one region: a jump or switch from
 * one slice into another, a try block, its end or its handler in another slice, a local variable
 * used (or declared by a frame) in two slices, a field stored in two slices. What follows the last
 * store is the tail (a static block that only calls methods on statics, {@code LIST.add(..)}).
 * A region is compared, as instructions with no labels, lines or frames (jumps as offsets, locals
 * numbered in order of use; constants, owners, names and descriptors kept), with the previous
 * version's region that stores the same fields: when it differs, each of its fields changed; a
 * changed tail changes the statics it reads. So does a {@code ConstantValue} that changed, and an
 * initializer that went away (the field then gets 0, null, false). Enum constants and javac's
 * synthetic statics never count: an enum's constants keep their identity.
 *
 * <p>What runs: the regions that store one of the statics to initialize, and every region that
 * reads one of them (its own statics are initialized again too: {@code N = LIST.size()}, or a tail
 * that fills a collection). Nothing else of the initializer runs; the regions' other effects (a
 * {@code println} in the same slice) do, once more. A slice is compared, not what it calls: a
 * changed helper method does not make its caller's static change.
 */
final class StaticSlices {
    private StaticSlices() {
    }

    /** A run of {@code <clinit>}'s instructions, [from, to) in its list, with what it stores and reads of the class's statics. */
    private record Region(int from, int to, Set<String> stores, Set<String> reads, String code) {
    }

    /** The statics of {@code next} ({@code name:descriptor}) whose initializing code differs from {@code previous}'s. */
    static Set<String> changed(byte[] previous, byte[] next) {
        ClassNode before = read(previous);
        ClassNode after = read(next);
        Set<String> eligible = new LinkedHashSet<>();
        Map<String, Object> values = new HashMap<>();
        for (FieldNode f : after.fields) {
            if ((f.access & Opcodes.ACC_STATIC) != 0 && (f.access & (Opcodes.ACC_ENUM | Opcodes.ACC_SYNTHETIC)) == 0) {
                eligible.add(f.name + ":" + f.desc);
                values.put(f.name + ":" + f.desc, f.value);
            }
        }
        Set<String> result = new TreeSet<>();
        Map<String, Object> oldValues = new HashMap<>();
        before.fields.forEach(f -> oldValues.put(f.name + ":" + f.desc, f.value));
        values.forEach((key, value) -> {
            if (value != null && !Objects.equals(value, oldValues.get(key))) {
                result.add(key);
            }
        });
        List<Region> oldRegions = regions(before);
        List<Region> newRegions = regions(after);
        Map<Set<String>, Region> oldByStores = new HashMap<>();
        oldRegions.forEach(r -> oldByStores.put(r.stores(), r));
        Set<String> newStores = new LinkedHashSet<>();
        for (Region r : newRegions) {
            newStores.addAll(r.stores());
            Region old = oldByStores.get(r.stores());
            if (old == null || !old.code().equals(r.code())) {
                result.addAll(r.stores().isEmpty() ? r.reads() : r.stores());
                if (old != null && r.stores().isEmpty()) {
                    result.addAll(old.reads()); // a tail that no longer does something to a static
                }
            }
        }
        Set<Set<String>> newKeys = new java.util.HashSet<>();
        newRegions.forEach(r -> newKeys.add(r.stores()));
        for (Region old : oldRegions) {
            if (old.stores().isEmpty() && !newKeys.contains(old.stores())) {
                result.addAll(old.reads()); // a tail that went away: what it did to those statics is undone
            }
            for (String stored : old.stores()) {
                if (!newStores.contains(stored) && values.get(stored) == null) {
                    result.add(stored); // its initializer went away: back to 0, null, false
                }
            }
        }
        result.retainAll(eligible);
        return result;
    }

    /** {@code initialize} and every static of {@code next} whose initializer reads one of them, transitively. */
    static Set<String> closure(byte[] next, Set<String> initialize) {
        ClassNode node = read(next);
        Set<String> enums = new java.util.HashSet<>();
        node.fields.stream().filter(f -> (f.access & Opcodes.ACC_ENUM) != 0).forEach(f -> enums.add(f.name + ":" + f.desc));
        Set<String> result = new LinkedHashSet<>(initialize);
        List<Region> regions = regions(node);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Region r : regions) {
                if (r.reads().stream().anyMatch(result::contains)) {
                    for (String stored : r.stores()) {
                        // An enum's constants keep their identity, whatever their arguments read.
                        grew |= !enums.contains(stored) && result.add(stored);
                    }
                }
            }
        }
        return result;
    }

    /**
     * {@code next}'s static initializer cut to the regions that store or read one of {@code fields},
     * its returns turned into jumps to the end, where the fields whose value is a
     * {@code ConstantValue}, or that no code initializes any more, are set; frames written full.
     */
    static MethodNode code(byte[] next, Set<String> fields) {
        ClassNode node = read(next);
        MethodNode clinit = clinit(node).orElseGet(() -> {
            MethodNode none = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            none.instructions.add(new InsnNode(Opcodes.RETURN));
            return none;
        });
        List<Region> regions = regions(node);
        boolean[] keep = new boolean[clinit.instructions.size()];
        Set<String> stored = new java.util.HashSet<>();
        for (Region r : regions) {
            stored.addAll(r.stores());
            if (r.stores().stream().anyMatch(fields::contains) || r.reads().stream().anyMatch(fields::contains)) {
                java.util.Arrays.fill(keep, r.from(), r.to(), true);
            }
        }
        AbstractInsnNode[] insns = clinit.instructions.toArray();
        LabelNode end = new LabelNode();
        InsnList code = new InsnList();
        for (int i = 0; i < insns.length; i++) {
            AbstractInsnNode insn = insns[i];
            clinit.instructions.remove(insn);
            if (!keep[i]) {
                continue;
            }
            if (insn.getOpcode() == Opcodes.RETURN) {
                code.add(new JumpInsnNode(Opcodes.GOTO, end));
            } else {
                if (insn instanceof FrameNode frame) {
                    frame.type = Opcodes.F_FULL; // read expanded: each frame stands on its own
                }
                if (insn instanceof LineNumberNode line && !keep[index(insns, line.start)]) {
                    continue;
                }
                code.add(insn);
            }
        }
        AbstractInsnNode last = code.getLast();
        while (last instanceof LabelNode || last instanceof LineNumberNode) {
            last = last.getPrevious();
        }
        if (last == null || last instanceof FrameNode) {
            code.add(new InsnNode(Opcodes.NOP)); // two frames cannot stand at one offset
        }
        code.add(end);
        code.add(new FrameNode(Opcodes.F_FULL, 0, new Object[0], 0, new Object[0]));
        for (FieldNode f : node.fields) {
            String key = f.name + ":" + f.desc;
            if (fields.contains(key) && (f.value != null || !stored.contains(key))) {
                code.add(f.value != null ? new LdcInsnNode(f.value) : defaultValue(Type.getType(f.desc)));
                code.add(new FieldInsnNode(Opcodes.PUTSTATIC, node.name, f.name, f.desc));
            }
        }
        code.add(new InsnNode(Opcodes.RETURN));
        clinit.instructions = code;
        clinit.tryCatchBlocks = clinit.tryCatchBlocks.stream()
                .filter(t -> keep[index(insns, t.start)]).toList();
        clinit.localVariables = null;
        clinit.visibleLocalVariableAnnotations = null;
        clinit.invisibleLocalVariableAnnotations = null;
        clinit.maxStack = Math.max(clinit.maxStack, 2);
        return clinit;
    }

    private static AbstractInsnNode defaultValue(Type type) {
        return new InsnNode(switch (type.getSort()) {
            case Type.LONG -> Opcodes.LCONST_0;
            case Type.FLOAT -> Opcodes.FCONST_0;
            case Type.DOUBLE -> Opcodes.DCONST_0;
            case Type.OBJECT, Type.ARRAY -> Opcodes.ACONST_NULL;
            default -> Opcodes.ICONST_0;
        });
    }

    private static ClassNode read(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, ClassReader.EXPAND_FRAMES);
        return node;
    }

    private static Optional<MethodNode> clinit(ClassNode node) {
        return node.methods.stream().filter(m -> m.name.equals("<clinit>") && m.instructions.size() > 0).findFirst();
    }

    private static int index(AbstractInsnNode[] insns, AbstractInsnNode node) {
        for (int i = 0; i < insns.length; i++) {
            if (insns[i] == node) {
                return i;
            }
        }
        throw new IllegalArgumentException("not in the method: " + node);
    }

    /** The regions of the class's static initializer, in order; none without one. */
    private static List<Region> regions(ClassNode node) {
        MethodNode clinit = clinit(node).orElse(null);
        if (clinit == null) {
            return List.of();
        }
        AbstractInsnNode[] insns = clinit.instructions.toArray();
        // Cuts: after a store to an own static with nothing else on the stack.
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        try {
            Frame<BasicValue>[] frames = new Analyzer<>(new BasicInterpreter()).analyze(node.name, clinit);
            Set<LabelNode> targets = targets(clinit, insns);
            for (int i = 0; i < insns.length - 1; i++) {
                if (ownStore(node, insns[i]) && frames[i] != null && frames[i].getStackSize() == 1) {
                    int cut = i + 1;
                    // Where branches join after the store (an if/else that sets it) is the store's, not the next slice's.
                    while (cut < insns.length - 1 && (targets.contains(insns[cut]) || insns[cut] instanceof FrameNode)) {
                        cut++;
                    }
                    cuts.add(cut);
                }
            }
        } catch (AnalyzerException e) {
            // Code the analyzer cannot follow: one region, run whole when any of its statics is to be set.
        }
        cuts.add(insns.length);
        int slices = cuts.size() - 1;
        int[] sliceOf = new int[insns.length];
        for (int s = 0; s < slices; s++) {
            java.util.Arrays.fill(sliceOf, cuts.get(s), cuts.get(s + 1), s);
        }
        int[] group = new int[slices]; // a region's first slice, for each slice
        for (int s = 0; s < slices; s++) {
            group[s] = s;
        }
        Set<LabelNode> targets = targets(clinit, insns);
        Map<Integer, Integer> lastUse = new HashMap<>();
        Set<Integer> usedHere = new java.util.HashSet<>();
        boolean straight = true; // no jump nor jump target yet in this slice
        Map<String, Integer> firstStore = new HashMap<>();
        for (int i = 0; i < insns.length; i++) {
            AbstractInsnNode insn = insns[i];
            int here = sliceOf[i];
            if (i > 0 && here != sliceOf[i - 1]) {
                usedHere.clear();
                straight = true;
            }
            if (insn instanceof JumpInsnNode jump) {
                merge(group, here, sliceOf[index(insns, jump.label)]);
            } else if (insn instanceof TableSwitchInsnNode table) {
                merge(group, here, sliceOf[index(insns, table.dflt)]);
                table.labels.forEach(l -> merge(group, here, sliceOf[index(insns, l)]));
            } else if (insn instanceof LookupSwitchInsnNode lookup) {
                merge(group, here, sliceOf[index(insns, lookup.dflt)]);
                lookup.labels.forEach(l -> merge(group, here, sliceOf[index(insns, l)]));
            }
            straight &= !(insn instanceof JumpInsnNode || insn instanceof TableSwitchInsnNode
                    || insn instanceof LookupSwitchInsnNode || targets.contains(insn));
            boolean store = insn instanceof VarInsnNode && insn.getOpcode() >= Opcodes.ISTORE;
            for (int slot : slots(insn)) {
                // A slot first stored on the straight way in is the slice's own (javac reuses slots between blocks);
                // one read first is the value an earlier slice left there: those slices run together.
                Integer last = lastUse.put(slot, here);
                if (usedHere.add(slot) && last != null && last != here && !(store && straight)) {
                    merge(group, last, here);
                }
            }
            if (ownStore(node, insn)) {
                FieldInsnNode f = (FieldInsnNode) insn;
                Integer first = firstStore.putIfAbsent(f.name + ":" + f.desc, here);
                if (first != null) {
                    merge(group, first, here);
                }
            }
        }
        for (TryCatchBlockNode t : clinit.tryCatchBlocks) {
            int start = sliceOf[index(insns, t.start)];
            merge(group, start, sliceOf[Math.max(0, index(insns, t.end) - 1)]);
            merge(group, start, sliceOf[index(insns, t.handler)]);
        }
        List<Region> result = new ArrayList<>();
        for (int s = 0; s < slices; ) {
            int last = s;
            while (last + 1 < slices && group[last + 1] == group[s]) {
                last++;
            }
            result.add(region(node, insns, cuts.get(s), cuts.get(last + 1), clinit.tryCatchBlocks));
            s = last + 1;
        }
        return result;
    }

    /** The labels that jumps, switches and exception handlers go to. */
    private static Set<LabelNode> targets(MethodNode clinit, AbstractInsnNode[] insns) {
        Set<LabelNode> targets = new java.util.HashSet<>();
        for (AbstractInsnNode insn : insns) {
            if (insn instanceof JumpInsnNode jump) {
                targets.add(jump.label);
            } else if (insn instanceof TableSwitchInsnNode table) {
                targets.add(table.dflt);
                targets.addAll(table.labels);
            } else if (insn instanceof LookupSwitchInsnNode lookup) {
                targets.add(lookup.dflt);
                targets.addAll(lookup.labels);
            }
        }
        clinit.tryCatchBlocks.forEach(t -> targets.add(t.handler));
        return targets;
    }

    /** Joins the slices from {@code a} to {@code b} (either order), and the regions they are in, into one region. */
    private static void merge(int[] group, int a, int b) {
        int from = group[Math.min(a, b)];
        int to = Math.max(a, b);
        while (to + 1 < group.length && group[to + 1] == group[to]) {
            to++;
        }
        for (int s = from; s <= to; s++) {
            group[s] = from;
        }
    }

    private static boolean ownStore(ClassNode node, AbstractInsnNode insn) {
        return insn.getOpcode() == Opcodes.PUTSTATIC && ((FieldInsnNode) insn).owner.equals(node.name);
    }

    /** The local variable slots an instruction uses, or that a frame says hold a value. */
    private static List<Integer> slots(AbstractInsnNode insn) {
        if (insn instanceof VarInsnNode v) {
            return List.of(v.var);
        }
        if (insn instanceof IincInsnNode i) {
            return List.of(i.var);
        }
        if (insn instanceof FrameNode frame && frame.local != null) {
            List<Integer> result = new ArrayList<>();
            int slot = 0;
            for (Object local : frame.local) {
                if (!Opcodes.TOP.equals(local)) {
                    result.add(slot);
                }
                slot += Opcodes.LONG.equals(local) || Opcodes.DOUBLE.equals(local) ? 2 : 1;
            }
            return result;
        }
        return List.of();
    }

    private static Region region(ClassNode node, AbstractInsnNode[] insns, int from, int to, List<TryCatchBlockNode> tries) {
        Set<String> stores = new TreeSet<>();
        Set<String> reads = new TreeSet<>();
        Map<Integer, Integer> locals = new HashMap<>();
        StringBuilder code = new StringBuilder();
        for (int i = from; i < to; i++) {
            AbstractInsnNode insn = insns[i];
            if (insn instanceof FieldInsnNode f && f.owner.equals(node.name) && f.getOpcode() == Opcodes.PUTSTATIC) {
                stores.add(f.name + ":" + f.desc);
            } else if (insn instanceof FieldInsnNode f && f.owner.equals(node.name) && f.getOpcode() == Opcodes.GETSTATIC) {
                reads.add(f.name + ":" + f.desc);
            }
            if (insn.getOpcode() >= 0) {
                code.append(text(insn, insns, from, locals)).append('\n');
            }
        }
        for (TryCatchBlockNode t : tries) {
            int start = index(insns, t.start);
            if (start >= from && start < to) {
                code.append("try ").append(start - from).append(' ').append(index(insns, t.end) - from).append(' ')
                        .append(index(insns, t.handler) - from).append(' ').append(t.type).append('\n');
            }
        }
        return new Region(from, to, Set.copyOf(stores), Set.copyOf(reads), code.toString());
    }

    /** One instruction as compared: what it does, not where it sits. */
    private static String text(AbstractInsnNode insn, AbstractInsnNode[] insns, int from, Map<Integer, Integer> locals) {
        String op = Integer.toString(insn.getOpcode());
        java.util.function.IntUnaryOperator local = slot -> locals.computeIfAbsent(slot, s -> locals.size());
        java.util.function.Function<LabelNode, String> at = label -> Integer.toString(index(insns, label) - from);
        if (insn instanceof VarInsnNode v) {
            return op + " " + local.applyAsInt(v.var);
        } else if (insn instanceof IincInsnNode i) {
            return op + " " + local.applyAsInt(i.var) + " " + i.incr;
        } else if (insn instanceof IntInsnNode i) {
            return op + " " + i.operand;
        } else if (insn instanceof TypeInsnNode t) {
            return op + " " + t.desc;
        } else if (insn instanceof FieldInsnNode f) {
            return op + " " + f.owner + "." + f.name + ":" + f.desc;
        } else if (insn instanceof MethodInsnNode m) {
            return op + " " + m.owner + "." + m.name + m.desc + (m.itf ? " itf" : "");
        } else if (insn instanceof InvokeDynamicInsnNode d) {
            return op + " " + d.name + d.desc + " " + d.bsm + " " + constants(d.bsmArgs);
        } else if (insn instanceof LdcInsnNode l) {
            return op + " " + l.cst.getClass().getSimpleName() + " " + l.cst;
        } else if (insn instanceof JumpInsnNode j) {
            return op + " " + at.apply(j.label);
        } else if (insn instanceof TableSwitchInsnNode t) {
            return op + " " + t.min + ".." + t.max + " " + at.apply(t.dflt) + " " + t.labels.stream().map(at).toList();
        } else if (insn instanceof LookupSwitchInsnNode l) {
            return op + " " + l.keys + " " + at.apply(l.dflt) + " " + l.labels.stream().map(at).toList();
        } else if (insn instanceof MultiANewArrayInsnNode m) {
            return op + " " + m.desc + " " + m.dims;
        }
        return op;
    }

    private static String constants(Object[] arguments) {
        StringBuilder result = new StringBuilder();
        for (Object a : arguments) {
            result.append(a instanceof Handle || a instanceof Type ? a.toString() : a.getClass().getSimpleName() + ":" + a)
                    .append(' ');
        }
        return result.toString();
    }
}
