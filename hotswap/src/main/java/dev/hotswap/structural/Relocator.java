package dev.hotswap.structural;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * Turns a version written as a hidden nestmate ({@link VersionWriter}) into an ordinary class of
 * the host's own name, for a {@link VersionLoader} of its own: the one shape in which a debugger
 * that matches classes by name stops at its breakpoints after a swap, and in which JFR and stack
 * walkers name the user's class and line.
 *
 * <p>In its own loader the version is in another runtime package than its host and cannot even
 * name it (its own name hides the host's). So every use of the host and of any class of the
 * host's package goes through the engine, linked once with the host's access rules
 * ({@link Access}): field accesses and calls become {@code invokedynamic} sites (as for added
 * members), {@code new}, casts, {@code instanceof}, arrays and class literals too, and those types
 * are erased, in descriptors and stack map frames, to their nearest superclass outside the
 * package. Each rewritten instruction keeps its stack effect, so the frames stay valid. What it
 * cannot rewrite is said in {@code problems} (the version is then written as a hidden class).
 */
final class Relocator {
    private static final String LINKER = "dev/hotswap/boot/Link";
    static final Handle TYPE = new Handle(Opcodes.H_INVOKESTATIC, LINKER, "type",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/String;)Ljava/lang/Class;",
            false);
    static final Handle TYPE_OP = new Handle(Opcodes.H_INVOKESTATIC, LINKER, "typeOp",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;ILjava/lang/Class;)"
                    + "Ljava/lang/invoke/CallSite;", false);
    static final Handle CREATE = new Handle(Opcodes.H_INVOKESTATIC, LINKER, "create",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/Class;"
                    + "Ljava/lang/String;)Ljava/lang/invoke/CallSite;", false);

    /** The nearest superclass of a class of the host's package that is outside it (internal names). */
    interface Erasure {
        String outside(String internalName);
    }

    private final String host;
    private final String hiddenName;
    private final String hostPackage;
    private final UnaryOperator<String> erasure;
    private final List<String> problems;

    private Relocator(String host, String hiddenName, Erasure erasure, List<String> problems) {
        this.host = host;
        this.hiddenName = hiddenName;
        this.hostPackage = packageOf(host);
        Map<String, String> cache = new java.util.HashMap<>();
        this.erasure = name -> cache.computeIfAbsent(name, erasure::outside);
        this.problems = problems;
    }

    /** A named version: its bytes, and each method's declared descriptor (name + hidden descriptor to erased). */
    record Relocated(byte[] bytes, Map<String, String> descriptors) {
    }

    /** The named version, or null with {@code problems} saying why it cannot be one. */
    static Relocated relocate(byte[] hiddenVersion, String host, String hiddenName, Erasure erasure, List<String> problems) {
        return new Relocator(host, hiddenName, erasure, problems).relocate(hiddenVersion);
    }

    private Relocated relocate(byte[] bytes) {
        ClassNode c = new ClassNode();
        new ClassReader(bytes).accept(c, 0);
        c.name = host;
        c.access = Opcodes.ACC_FINAL | Opcodes.ACC_SUPER;
        Map<String, String> descriptors = new java.util.HashMap<>();
        Set<String> signatures = new HashSet<>();
        for (MethodNode m : c.methods) {
            String hidden = m.desc;
            m.desc = eraseMethod(m.desc);
            descriptors.put(m.name + hidden, m.desc);
            if (!signatures.add(m.name + m.desc)) {
                problems.add("two methods " + m.name + " take the same types once the classes of package "
                        + hostPackage.replace('/', '.') + " are seen from outside it");
            }
            method(m);
        }
        if (!problems.isEmpty()) {
            return null;
        }
        ClassWriter w = new ClassWriter(0);
        c.accept(w);
        return new Relocated(w.toByteArray(), Map.copyOf(descriptors));
    }

    /**
     * The name the object a version's method runs on goes by in its local variables: the method is
     * static, so a debugger has no {@code this} there, and hides a local named {@code this}.
     */
    static final String SELF = "self";

    private void method(MethodNode m) {
        if (m.localVariables != null) {
            m.localVariables.stream().filter(v -> v.index == 0 && v.name.equals("this")).forEach(v -> v.name = SELF);
        }
        for (TryCatchBlockNode t : m.tryCatchBlocks) {
            if (t.type != null && local(t.type)) {
                problems.add(m.name + " catches " + t.type.replace('/', '.') + ", a class of its own package");
            }
        }
        Set<LabelNode> replacedNews = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        // Per new not yet initialized, innermost last: whether it is replaced (javac nests them as brackets).
        java.util.Deque<Boolean> replacing = new java.util.ArrayDeque<>();
        ListIterator<AbstractInsnNode> it = m.instructions.iterator();
        while (it.hasNext()) {
            AbstractInsnNode insn = it.next();
            if (insn instanceof TypeInsnNode t && t.getOpcode() == Opcodes.NEW) {
                MethodInsnNode init = initOf(t);
                boolean replace = init != null && (local(t.desc) || mentionsLocal(init.desc));
                if (replace && (!(t.getNext() instanceof InsnNode dup) || dup.getOpcode() != Opcodes.DUP)) {
                    problems.add(m.name + " makes a " + t.desc.replace('/', '.') + " in a way javac does not");
                    replace = false;
                }
                replacing.push(replace);
                if (replace) {
                    // The frames name the new by the labels just before it: those entries become null.
                    for (AbstractInsnNode p = t.getPrevious(); p != null && p.getOpcode() < 0 && !(p instanceof FrameNode);
                         p = p.getPrevious()) {
                        if (p instanceof LabelNode l) {
                            replacedNews.add(l);
                        }
                    }
                    it.set(new InsnNode(Opcodes.ACONST_NULL));
                }
            } else if (insn instanceof MethodInsnNode mi && mi.name.equals("<init>")) {
                if (replacing.isEmpty()) {
                    problems.add(m.name + " calls a constructor of " + mi.owner.replace('/', '.') + " outside new");
                    continue;
                }
                if (replacing.pop()) {
                    Type[] args = erasedArguments(mi.desc);
                    Type[] withPlaceholder = new Type[args.length + 1];
                    withPlaceholder[0] = Type.getType(Object.class);
                    System.arraycopy(args, 0, withPlaceholder, 1, args.length);
                    String type = Type.getMethodDescriptor(Type.getObjectType(erasure(mi.owner)), withPlaceholder);
                    // new X; dup; args; init  ->  null; null; args; create (takes a null and the args); swap; pop
                    it.set(new InvokeDynamicInsnNode("new", type, CREATE, classConstant(mi.owner), mi.desc));
                    it.add(new InsnNode(Opcodes.SWAP));
                    it.add(new InsnNode(Opcodes.POP));
                }
            } else if (insn instanceof MethodInsnNode mi) {
                call(it, mi);
            } else if (insn instanceof FieldInsnNode f) {
                if (local(f.owner) || mentionsLocal(f.desc)) {
                    String e = eraseType(f.desc);
                    String owner = Type.getObjectType(erasure(f.owner)).getDescriptor();
                    String type = switch (f.getOpcode()) {
                        case Opcodes.GETFIELD -> "(" + owner + ")" + e;
                        case Opcodes.PUTFIELD -> "(" + owner + e + ")V";
                        case Opcodes.GETSTATIC -> "()" + e;
                        default -> "(" + e + ")V";
                    };
                    it.set(new InvokeDynamicInsnNode(f.name, type, CodeRewriter.FIELD, f.getOpcode(),
                            classConstant(f.owner), f.desc));
                }
            } else if (insn instanceof TypeInsnNode t) {
                if (local(t.desc)) {
                    String type = switch (t.getOpcode()) {
                        case Opcodes.CHECKCAST -> "(Ljava/lang/Object;)" + eraseType(typeDescriptor(t.desc));
                        case Opcodes.INSTANCEOF -> "(Ljava/lang/Object;)Z";
                        default -> "(I)[" + eraseType(typeDescriptor(t.desc));
                    };
                    it.set(new InvokeDynamicInsnNode("type", type, TYPE_OP, t.getOpcode(), classConstant(t.desc)));
                }
            } else if (insn instanceof MultiANewArrayInsnNode a) {
                if (local(a.desc)) {
                    String type = "(" + "I".repeat(a.dims) + ")" + eraseType(a.desc);
                    it.set(new InvokeDynamicInsnNode("type", type, TYPE_OP, Opcodes.MULTIANEWARRAY, classConstant(a.desc)));
                }
            } else if (insn instanceof LdcInsnNode l) {
                l.cst = constant(l.cst, m.name);
            } else if (insn instanceof InvokeDynamicInsnNode d) {
                indy(it, d, m.name);
            } else if (insn instanceof FrameNode f) {
                f.local = frameTypes(f.local, replacedNews);
                f.stack = frameTypes(f.stack, replacedNews);
            }
        }
    }

    /** The constructor call that initializes what {@code made} makes: the next {@code <init>} at its nesting depth. */
    private static MethodInsnNode initOf(TypeInsnNode made) {
        int depth = 0;
        for (AbstractInsnNode p = made.getNext(); p != null; p = p.getNext()) {
            if (p.getOpcode() == Opcodes.NEW) {
                depth++;
            } else if (p instanceof MethodInsnNode mi && mi.name.equals("<init>")) {
                if (depth == 0) {
                    return mi;
                }
                depth--;
            }
        }
        return null;
    }

    private void call(ListIterator<AbstractInsnNode> it, MethodInsnNode mi) {
        if (mi.owner.equals(hiddenName)) {
            mi.owner = host; // a method of this version itself
            mi.desc = eraseMethod(mi.desc);
            return;
        }
        if (!local(mi.owner) && !mentionsLocal(mi.desc)) {
            return;
        }
        boolean isStatic = mi.getOpcode() == Opcodes.INVOKESTATIC;
        int kind = isStatic ? Linker.STATIC : mi.getOpcode() == Opcodes.INVOKESPECIAL ? Linker.DIRECT : Linker.VIRTUAL;
        String type = isStatic ? eraseMethod(mi.desc) : eraseMethod(CodeRewriter.withReceiver(
                mi.owner.startsWith("[") ? "java/lang/Object" : mi.owner, mi.desc));
        it.set(new InvokeDynamicInsnNode(mi.name, type, CodeRewriter.CALL, kind, classConstant(mi.owner), mi.desc));
    }

    private void indy(ListIterator<AbstractInsnNode> it, InvokeDynamicInsnNode d, String method) {
        boolean lambda = d.bsm.equals(CodeRewriter.LAMBDA) || d.bsm.equals(CodeRewriter.LAMBDA_OF)
                || d.bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory");
        if (lambda && local(Type.getReturnType(d.desc).getInternalName())) {
            problems.add(method + " makes a lambda for " + Type.getReturnType(d.desc).getClassName()
                    + ", an interface of its own package");
            return;
        }
        if (lambda && d.bsmArgs.length >= 3 && d.bsmArgs[1] instanceof Handle target && local(target.getOwner())
                && !target.getOwner().equals(hiddenName)) {
            if (target.getTag() == Opcodes.H_NEWINVOKESPECIAL || d.bsmArgs.length > 3) {
                problems.add(method + " makes a method reference to " + target.getOwner().replace('/', '.') + "."
                        + target.getName() + " that the engine cannot serve from outside its package");
                return;
            }
            // A method reference to a member of the host's package: made by the engine, as for an added member.
            it.set(new InvokeDynamicInsnNode(d.name, eraseMethod(d.desc), CodeRewriter.LAMBDA_OF,
                    constant(d.bsmArgs[0], method), target.getTag(), classConstant(target.getOwner()), target.getName(),
                    target.getDesc()));
            return;
        }
        Object[] args = d.bsmArgs.clone();
        for (int i = 0; i < args.length; i++) {
            args[i] = constant(args[i], method);
        }
        d.bsmArgs = args;
        d.desc = eraseMethod(d.desc);
    }

    /** A constant as the version may hold it: classes of the host's package through the engine, method types erased. */
    private Object constant(Object value, String method) {
        if (value instanceof Type t) {
            return switch (t.getSort()) {
                case Type.METHOD -> Type.getMethodType(eraseMethod(t.getDescriptor()));
                case Type.OBJECT, Type.ARRAY -> local(t.getInternalName()) ? classConstant(t.getInternalName()) : t;
                default -> t;
            };
        }
        if (value instanceof Handle h) {
            if (h.getOwner().equals(hiddenName)) {
                return new Handle(h.getTag(), host, h.getName(), eraseMethod(h.getDesc()), h.isInterface());
            }
            if (local(h.getOwner()) || mentionsLocal(h.getDesc())) {
                problems.add(method + " holds a method handle to " + h.getOwner().replace('/', '.') + "." + h.getName()
                        + " that the engine cannot serve from outside its package");
            }
            return h;
        }
        if (value instanceof ConstantDynamic cd && (mentionsLocal(cd.getDescriptor()) || local(cd.getBootstrapMethod().getOwner()))) {
            problems.add(method + " holds a dynamic constant of its own package");
        }
        return value;
    }

    private ConstantDynamic classConstant(String internalName) {
        return new ConstantDynamic("type", "Ljava/lang/Class;", TYPE, internalName.equals(hiddenName) ? host : internalName);
    }

    private List<Object> frameTypes(List<Object> types, Set<LabelNode> replacedNews) {
        if (types == null) {
            return null;
        }
        List<Object> result = new ArrayList<>(types.size());
        for (Object t : types) {
            if (t instanceof String name) {
                result.add(name.startsWith("[") ? eraseType(name) : local(name) ? erasure(name) : name);
            } else if (t instanceof LabelNode l && replacedNews.contains(l)) {
                result.add(Opcodes.NULL);
            } else {
                result.add(t);
            }
        }
        return result;
    }

    // ---- types ----

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /** True for the host and the classes of its package (arrays of them too). */
    private boolean local(String internalName) {
        String element = internalName;
        if (element.startsWith("[")) {
            Type t = Type.getType(element).getElementType();
            if (t.getSort() != Type.OBJECT) {
                return false;
            }
            element = t.getInternalName();
        }
        return element.equals(host) || element.equals(hiddenName) || packageOf(element).equals(hostPackage);
    }

    private String erasure(String internalName) {
        if (internalName.startsWith("[")) {
            return eraseType(internalName);
        }
        return local(internalName) ? erasure.apply(internalName.equals(hiddenName) ? host : internalName) : internalName;
    }

    private static String typeDescriptor(String internalName) {
        return internalName.startsWith("[") ? internalName : "L" + internalName + ";";
    }

    private String eraseType(String descriptor) {
        Type t = Type.getType(descriptor);
        if (t.getSort() == Type.ARRAY) {
            Type element = t.getElementType();
            if (element.getSort() == Type.OBJECT && local(element.getInternalName())) {
                return "[".repeat(t.getDimensions()) + "L" + erasure(element.getInternalName()) + ";";
            }
            return descriptor;
        }
        if (t.getSort() == Type.OBJECT && local(t.getInternalName())) {
            return "L" + erasure(t.getInternalName()) + ";";
        }
        return descriptor;
    }

    private Type[] erasedArguments(String methodDescriptor) {
        Type[] args = Type.getArgumentTypes(methodDescriptor);
        for (int i = 0; i < args.length; i++) {
            args[i] = Type.getType(eraseType(args[i].getDescriptor()));
        }
        return args;
    }

    private String eraseMethod(String methodDescriptor) {
        return Type.getMethodDescriptor(Type.getType(eraseType(Type.getReturnType(methodDescriptor).getDescriptor())),
                erasedArguments(methodDescriptor));
    }

    private boolean mentionsLocal(String descriptor) {
        if (descriptor.startsWith("(")) {
            for (Type t : Type.getArgumentTypes(descriptor)) {
                if (mentionsLocal(t.getDescriptor())) {
                    return true;
                }
            }
            return mentionsLocal(Type.getReturnType(descriptor).getDescriptor());
        }
        Type t = Type.getType(descriptor);
        Type element = t.getSort() == Type.ARRAY ? t.getElementType() : t;
        return element.getSort() == Type.OBJECT && local(element.getInternalName());
    }
}
