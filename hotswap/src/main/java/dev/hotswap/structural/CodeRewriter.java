package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.util.List;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites the calls in one method of a new version so that each reaches the right code: calls
 * to members the loaded classes still have stay plain (they pass through the classes' entries,
 * which lead to the newest version); calls to members that exist only in new versions become
 * {@code invokedynamic} sites linked by the engine; calls to private methods of the new version's
 * own class go straight to its hidden class, calls to its other static methods through the engine
 * (a frame still running in this version after later swaps calls the newest code). The stack effect of every instruction is kept, so stack map frames
 * stay valid.
 */
final class CodeRewriter extends MethodVisitor {
    static final Handle CALL = new Handle(Opcodes.H_INVOKESTATIC, "dev/hotswap/boot/Link", "call",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;ILjava/lang/Class;"
                    + "Ljava/lang/String;)Ljava/lang/invoke/CallSite;", false);

    static final Handle LAMBDA = new Handle(Opcodes.H_INVOKESTATIC, "dev/hotswap/boot/Link", "lambda",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;[Ljava/lang/Object;)"
                    + "Ljava/lang/invoke/CallSite;", false);

    /**
     * The loaded constructor of a class under the engine that also runs constructors swaps
     * added ({@link TrampolineWriter}), whether it is private, and the class's nest host.
     */
    record Carrier(String descriptor, boolean isPrivate, String nestHost) {
    }

    static final Handle CONSTRUCT = new Handle(Opcodes.H_INVOKESTATIC, "dev/hotswap/boot/Link", "construct",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/Class;"
                    + "Ljava/lang/String;)Ljava/lang/invoke/CallSite;", false);

    /** What the engine knows about the classes as the JVM loaded them. */
    interface Loaded {
        /** True unless the class is under the engine and was loaded without this constructor. */
        default boolean hasConstructor(String owner, String descriptor) {
            return true;
        }

        /** The carrier constructor of a class under the engine. */
        default java.util.Optional<Carrier> carrier(String owner) {
            return java.util.Optional.empty();
        }

        /** True when the class is a public interface (a lambda for it works on every JDK). */
        boolean isPublicInterface(String internalName);

        /** True for classes whose members may change (loaded from a watched folder, or in this batch). */
        boolean isReloadable(String owner);

        /** True when the loaded class (or an ancestor) has this member with this static-ness. */
        boolean has(String owner, String name, String descriptor, boolean isStatic);

        /** True when the loaded class (or an ancestor) has this field with this static-ness. */
        boolean hasField(String owner, String name, String descriptor, boolean isStatic);

        /**
         * True when the loaded class has the field but its newest version does not: code that
         * still names it gets {@code NoSuchFieldError}, as after a fresh compile.
         */
        default boolean removedField(String owner, String name, String descriptor, boolean isStatic) {
            return false;
        }

        /**
         * True when the field's modifiers changed so that the loaded field forbids this access:
         * visibility widened (from another class) or {@code final} dropped (a write). The field
         * itself stays as loaded; only the engine's lookup may do what the new modifiers allow.
         */
        default boolean fieldAccessChanged(String accessor, String owner, String name, String descriptor, boolean isStatic,
                                           boolean write) {
            return false;
        }

        /** The class that declares the member the loaded classes resolve it to, when it is protected there. */
        default java.util.Optional<String> protectedDeclarer(String owner, String name, String descriptor, boolean field) {
            return java.util.Optional.empty();
        }

        /**
         * True when the member is private to another class of a nest that the rewritten class
         * had to leave (it was added to the nest by a swap): only the engine's lookup reaches it.
         */
        default boolean privateInNest(ClassModel self, String owner, String name, String descriptor, boolean field) {
            return false;
        }
    }

    static final Handle FIELD = new Handle(Opcodes.H_INVOKESTATIC, "dev/hotswap/boot/Link", "field",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;ILjava/lang/Class;"
                    + "Ljava/lang/String;)Ljava/lang/invoke/CallSite;", false);

    private final String className;
    /** The hidden class this method goes into, or null when it stays in the class (constructors). */
    private final String hiddenName;
    private final ClassModel next;
    private final Loaded loaded;
    private final List<String> problems;
    /** In a re-run static initializer: the added static fields it may assign; writes to others are dropped. */
    private final java.util.Set<String> initialize;

    CodeRewriter(MethodVisitor target, String className, String hiddenName, ClassModel next, Loaded loaded,
                 List<String> problems) {
        this(target, className, hiddenName, next, loaded, problems, null);
    }

    CodeRewriter(MethodVisitor target, String className, String hiddenName, ClassModel next, Loaded loaded,
                 List<String> problems, java.util.Set<String> initialize) {
        super(Opcodes.ASM9, target);
        this.initialize = initialize;
        this.className = className;
        this.hiddenName = hiddenName;
        this.next = next;
        this.loaded = loaded;
        this.problems = problems;
    }

    /**
     * In a constructor's body: fields added by a swap that the code sets before {@code super(...)}
     * (javac sets an inner class's {@code this$0} there) cannot go to side storage yet, the
     * object being uninitialized: their values wait in local slots from {@code firstFree} on and
     * are stored right after the call.
     */
    CodeRewriter holdingFieldsBeforeSuper(int firstFree) {
        this.nextTemp = firstFree;
        this.holding = true;
        return this;
    }

    /** The method rewritten (name + descriptor), when it goes into a version: its calls to itself go through the engine. */
    private String self;

    /**
     * In a version's method {@code method} (name + descriptor): a call to itself reaches the newest
     * version of the method, and {@code NoSuchMethodError} once a swap removed it (DCEVM's rule),
     * instead of this version's own copy, which would recurse on after the swap.
     */
    CodeRewriter rewriting(String method) {
        this.self = method;
        return this;
    }

    private boolean holding;
    private int nextTemp;
    private int news;
    private final List<Object[]> held = new java.util.ArrayList<>();

    @Override
    public void visitTypeInsn(int opcode, String type) {
        if (holding && opcode == Opcodes.NEW) {
            news++;
        }
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (holding && !held.isEmpty()) {
            problems.add("a constructor of " + className.replace('/', '.') + " sets added field " + held.get(0)[1]
                    + " before super(...) with a branch in between");
        }
        super.visitFrame(type, numLocal, local, numStack, stack);
    }

    /** After an {@code invokespecial <init>}: if it was the super or this call, the held fields are stored now. */
    private void afterInit() {
        if (!holding) {
            return;
        }
        if (news > 0) {
            news--; // the constructor of an object the code made with new
            return;
        }
        holding = false;
        for (Object[] h : held) {
            String descriptor = (String) h[2];
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Type.getType(descriptor).getOpcode(Opcodes.ILOAD), (Integer) h[0]);
            super.visitInvokeDynamicInsn((String) h[1], "(L" + className + ";" + descriptor + ")V", FIELD, Opcodes.PUTFIELD,
                    Type.getObjectType(className), descriptor);
        }
        held.clear();
    }

    /**
     * A protected member of a class of another package, reached from a hidden class: the JVM
     * allows that to subclasses only, and the hidden class holding a version is none.
     */
    private boolean protectedElsewhere(String owner, String name, String descriptor, boolean field) {
        return inHidden() && !owner.startsWith("[") && loaded.protectedDeclarer(owner, name, descriptor, field)
                .filter(declarer -> !packageOf(declarer).equals(packageOf(className))).isPresent();
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    private boolean inHidden() {
        return hiddenName != null;
    }

    private ClassModel.Member member(String name, String descriptor) {
        for (ClassModel.Member m : next.methods()) {
            if (m.name().equals(name) && m.descriptor().equals(descriptor)) {
                return m;
            }
        }
        return null;
    }

    static String withReceiver(String owner, String descriptor) {
        return "(L" + owner + ";" + descriptor.substring(1);
    }

    private void indy(String name, String type, int kind, String owner, String descriptor) {
        super.visitInvokeDynamicInsn(name, type, CALL, kind, Type.getObjectType(owner), descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        if (name.equals("<init>")) {
            java.util.Optional<Carrier> carrier = opcode == Opcodes.INVOKESPECIAL && !loaded.hasConstructor(owner, descriptor)
                    ? loaded.carrier(owner) : java.util.Optional.empty();
            if (carrier.isEmpty()) {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                afterInit();
                return;
            }
            // A constructor a swap added: its arguments go to the engine, then the carrier runs it.
            Carrier c = carrier.get();
            if (c.isPrivate() && !next.nestHost().orElse(className).equals(c.nestHost())) {
                problems.add("new code calls constructor " + owner.replace('/', '.') + descriptor
                        + ", added by a swap, but every constructor " + owner.replace('/', '.')
                        + " was loaded with is private, so code outside its nest cannot reach the added one");
            }
            super.visitInvokeDynamicInsn("construct", descriptor, CONSTRUCT, Type.getObjectType(owner), descriptor);
            for (Type p : Type.getArgumentTypes(c.descriptor())) {
                pushDefault(p);
            }
            super.visitMethodInsn(Opcodes.INVOKESPECIAL, owner, name, c.descriptor(), false);
            afterInit();
            return;
        }
        boolean isStatic = opcode == Opcodes.INVOKESTATIC;
        if (opcode != Opcodes.INVOKESPECIAL && (!owner.equals(className) || member(name, descriptor) == null)
                && protectedElsewhere(owner, name, descriptor, false)) {
            indy(name, isStatic ? descriptor : withReceiver(owner, descriptor), Linker.PROTECTED, owner, descriptor);
            return;
        }
        if (owner.equals(className)) {
            ClassModel.Member target = member(name, descriptor);
            boolean privateOrSpecial = opcode == Opcodes.INVOKESPECIAL
                    || (target != null && target.is(Opcodes.ACC_PRIVATE));
            if (inHidden() && target != null && !target.is(Opcodes.ACC_ABSTRACT) && (isStatic || privateOrSpecial)
                    && (name + descriptor).equals(self)) {
                // Itself: through the engine, to the newest version or NoSuchMethodError once removed.
                indy(name, isStatic ? descriptor : withReceiver(owner, descriptor), isStatic ? Linker.STATIC : Linker.DIRECT,
                        owner, descriptor);
                return;
            }
            if (inHidden() && target != null && isStatic && !target.is(Opcodes.ACC_PRIVATE)) {
                // A static sibling (not private): through the engine, so that a frame still running in this version
                // after later swaps calls their code (the next call runs the newest), as a loaded class's would.
                indy(name, descriptor, Linker.SIBLING, owner, descriptor);
                return;
            }
            if (inHidden() && target != null && !target.is(Opcodes.ACC_ABSTRACT) && (isStatic || privateOrSpecial)) {
                // A private sibling in the same new version: call it directly.
                super.visitMethodInsn(Opcodes.INVOKESTATIC, hiddenName, name,
                        isStatic ? descriptor : withReceiver(className, descriptor), false);
                return;
            }
            if (loaded.has(owner, name, descriptor, isStatic)) {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                return;
            }
            int kind = isStatic ? Linker.STATIC : privateOrSpecial ? Linker.DIRECT : Linker.VIRTUAL;
            indy(name, isStatic ? descriptor : withReceiver(owner, descriptor), kind, owner, descriptor);
            return;
        }
        if (loaded.privateInNest(next, owner, name, descriptor, false)) {
            indy(name, isStatic ? descriptor : withReceiver(owner, descriptor), isStatic ? Linker.STATIC : Linker.DIRECT,
                    owner, descriptor);
            return;
        }
        if (opcode == Opcodes.INVOKESPECIAL) {
            // super.m() or Interface.super.m(): only the class itself may use invokespecial.
            if (!inHidden() && loaded.has(owner, name, descriptor, false)) {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            } else {
                indy(name, withReceiver(className, descriptor), Linker.SPECIAL, owner, descriptor);
            }
            return;
        }
        if (loaded.isReloadable(owner) && !loaded.has(owner, name, descriptor, isStatic)) {
            indy(name, isStatic ? descriptor : withReceiver(owner, descriptor), isStatic ? Linker.STATIC : Linker.VIRTUAL,
                    owner, descriptor);
            return;
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    private void pushDefault(Type type) {
        switch (type.getSort()) {
            case Type.LONG -> super.visitInsn(Opcodes.LCONST_0);
            case Type.FLOAT -> super.visitInsn(Opcodes.FCONST_0);
            case Type.DOUBLE -> super.visitInsn(Opcodes.DCONST_0);
            case Type.OBJECT, Type.ARRAY -> super.visitInsn(Opcodes.ACONST_NULL);
            default -> super.visitInsn(Opcodes.ICONST_0);
        }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        boolean isStatic = opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC;
        if (initialize != null && opcode == Opcodes.PUTSTATIC && owner.equals(className)) {
            if (initialize.contains(name + ":" + descriptor)) {
                // Through the engine: the field may be new (side storage) or final (an enum's values).
                super.visitInvokeDynamicInsn(name, "(" + descriptor + ")V", FIELD, opcode, Type.getObjectType(owner),
                        descriptor);
            } else {
                // Static fields that already have values keep them: the value computed for one is dropped.
                super.visitInsn(Type.getType(descriptor).getSize() == 2 ? Opcodes.POP2 : Opcodes.POP);
            }
            return;
        }
        if (holding && opcode == Opcodes.PUTFIELD && owner.equals(className)
                && loaded.isReloadable(owner) && !loaded.hasField(owner, name, descriptor, false)) {
            super.visitVarInsn(Type.getType(descriptor).getOpcode(Opcodes.ISTORE), nextTemp);
            super.visitInsn(Opcodes.POP); // the object, not initialized yet
            held.add(new Object[] {nextTemp, name, descriptor});
            nextTemp += Type.getType(descriptor).getSize();
            return;
        }
        if ((loaded.isReloadable(owner) && !loaded.hasField(owner, name, descriptor, isStatic))
                || loaded.removedField(owner, name, descriptor, isStatic)
                || loaded.fieldAccessChanged(className, owner, name, descriptor, isStatic,
                        opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC)
                || protectedElsewhere(owner, name, descriptor, true)
                || (!owner.equals(className) && loaded.privateInNest(next, owner, name, descriptor, true))) {
            String type = switch (opcode) {
                case Opcodes.GETFIELD -> "(L" + owner + ";)" + descriptor;
                case Opcodes.PUTFIELD -> "(L" + owner + ";" + descriptor + ")V";
                case Opcodes.GETSTATIC -> "()" + descriptor;
                default -> "(" + descriptor + ")V";
            };
            super.visitInvokeDynamicInsn(name, type, FIELD, opcode, Type.getObjectType(owner), descriptor);
            return;
        }
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    static final Handle LAMBDA_OF = new Handle(Opcodes.H_INVOKESTATIC, "dev/hotswap/boot/Link", "lambdaOf",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "Ljava/lang/invoke/MethodType;ILjava/lang/Class;Ljava/lang/String;Ljava/lang/String;)"
                    + "Ljava/lang/invoke/CallSite;", false);

    /**
     * A lambda or method reference whose target, in another class, the code cannot reach by name
     * (a method a swap added, a private member of a nest the class had to leave) is made by the
     * engine instead.
     */
    private boolean unreachableLambda(String name, String descriptor, Handle bootstrap, Object[] arguments) {
        if (!bootstrap.getOwner().equals("java/lang/invoke/LambdaMetafactory") || arguments.length < 2
                || !(arguments[1] instanceof Handle target) || target.getTag() == Opcodes.H_NEWINVOKESPECIAL
                || target.getOwner().equals(className)) {
            return false;
        }
        boolean isStatic = target.getTag() == Opcodes.H_INVOKESTATIC;
        boolean unreachable = (loaded.isReloadable(target.getOwner())
                && !loaded.has(target.getOwner(), target.getName(), target.getDesc(), isStatic))
                || loaded.privateInNest(next, target.getOwner(), target.getName(), target.getDesc(), false)
                || protectedElsewhere(target.getOwner(), target.getName(), target.getDesc(), false);
        if (!unreachable) {
            return false;
        }
        int tag = target.getTag() == Opcodes.H_INVOKESPECIAL || (!isStatic
                && loaded.privateInNest(next, target.getOwner(), target.getName(), target.getDesc(), false))
                ? Opcodes.H_INVOKESPECIAL : target.getTag();
        super.visitInvokeDynamicInsn(name, descriptor, LAMBDA_OF, arguments[0], tag, Type.getObjectType(target.getOwner()),
                target.getName(), target.getDesc());
        return true;
    }

    private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory",
            "metafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
                    + "Ljava/lang/invoke/CallSite;", false);

    private static final Handle ALT_METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory",
            "altMetafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false);

    /**
     * In code that stays in the class (a constructor of a class under the engine, written anew for
     * each version; a class rewritten as it loads): whether a method handle to one of the class's
     * own methods means the method the class has under that name. A class rewritten as it loads
     * has every method its code names. A class under the engine has the methods it was loaded
     * with, each an entry to the newest version of that name, except a lambda body's: its entry
     * follows the body it had (javac's numbering moves names from body to body), so a lambda made
     * by the newest constructor is made by the engine, from the newest version's body of that name
     * ({@link Linker#lambdaOf}), and then follows that body as lambdas made before a swap do.
     */
    private boolean staysInClass(Handle handle) {
        boolean isStatic = handle.getTag() == Opcodes.H_INVOKESTATIC;
        return loaded.has(className, handle.getName(), handle.getDesc(), isStatic)
                && !(LambdaEntries.isBody(handle.getName()) && loaded.isReloadable(className));
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        if (unreachableLambda(name, descriptor, bootstrap, arguments)) {
            return;
        }
        Object[] recordMethod = RecordMethods.throughEngine(loaded, bootstrap, arguments);
        if (recordMethod != null) {
            super.visitInvokeDynamicInsn(name, descriptor, RecordMethods.ENGINE, recordMethod);
            return;
        }
        Object[] rewritten = arguments.clone();
        for (int i = 0; i < rewritten.length; i++) {
            if (rewritten[i] instanceof Handle handle && handle.getOwner().equals(className)
                    && handle.getTag() != Opcodes.H_NEWINVOKESPECIAL && handle.getTag() <= Opcodes.H_INVOKEINTERFACE
                    && handle.getTag() >= Opcodes.H_INVOKEVIRTUAL) {
                ClassModel.Member target = member(handle.getName(), handle.getDesc());
                boolean isStatic = handle.getTag() == Opcodes.H_INVOKESTATIC;
                if (inHidden() && i == 1 && bootstrap.equals(METAFACTORY) && LambdaEntries.isBody(handle.getName())
                        && target != null && loaded.isReloadable(className)) {
                    // Made by a version's method: the engine makes it from the newest body of that name, which
                    // it then follows across swaps, as a lambda made by the class as loaded follows its entry.
                    super.visitInvokeDynamicInsn(name, descriptor, LAMBDA_OF, arguments[0], handle.getTag(),
                            Type.getObjectType(className), handle.getName(), handle.getDesc());
                    return;
                }
                boolean stays = target == null || (inHidden() ? !target.is(Opcodes.ACC_PRIVATE)
                        && loaded.has(className, handle.getName(), handle.getDesc(), isStatic) : staysInClass(handle));
                if (stays) {
                    continue;
                }
                if (!inHidden()) {
                    if (i == 1 && bootstrap.equals(METAFACTORY)) {
                        // A constructor's code stays in the class, which cannot name the version holding the body.
                        super.visitInvokeDynamicInsn(name, descriptor, LAMBDA_OF, arguments[0], handle.getTag(),
                                Type.getObjectType(className), handle.getName(), handle.getDesc());
                        return;
                    }
                    problems.add((bootstrap.equals(ALT_METAFACTORY) ? "a serializable lambda, or one with bridges or marker"
                            + " interfaces, to " : "a method handle constant for ") + "method " + handle.getName()
                            + handle.getDesc() + " in a constructor of " + className.replace('/', '.')
                            + ", which the class as loaded does not have (or not as this code means it)");
                    continue;
                }
                rewritten[i] = new Handle(Opcodes.H_INVOKESTATIC, hiddenName, handle.getName(),
                        isStatic ? handle.getDesc() : withReceiver(className, handle.getDesc()), false);
            }
        }
        if (inHidden() && bootstrap.getOwner().equals("java/lang/invoke/LambdaMetafactory")) {
            String functional = Type.getReturnType(descriptor).getInternalName();
            // Before JDK 25, plain lambdas get a class of their own (LambdaClasses); the others (serializable,
            // with bridges or marker interfaces) become MethodHandleProxies, which need a public interface.
            if (!Linker.LAMBDA_FACTORY_CALLS_HIDDEN_BODIES && arguments.length > 3 && !loaded.isPublicInterface(functional)) {
                problems.add("a serializable lambda, or one with bridges, for the non-public interface "
                        + functional.replace('/', '.') + " in new code (possible from JDK 25 on)");
            }
            super.visitInvokeDynamicInsn(name, descriptor, LAMBDA, rewritten);
            return;
        }
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, rewritten);
    }
}
