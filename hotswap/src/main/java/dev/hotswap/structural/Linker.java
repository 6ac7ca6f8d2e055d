package dev.hotswap.structural;

import dev.hotswap.base.Fatal;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import dev.hotswap.boot.Link;

/**
 * Bootstrap methods of the call sites that the structural engine writes into reloaded code,
 * reached through {@link Link} (which the reloaded classes' constant pools name) and the core's
 * facade. Every call site is owned by the engine and relinked when a newer version arrives.
 */
public final class Linker {
    /** Kinds of call to a member that the loaded class does not have, or may not have any more. */
    static final int STATIC = 0;
    static final int VIRTUAL = 1;
    static final int SPECIAL = 2;
    static final int DIRECT = 3;
    /** A protected member of a class in another package: the hidden class holding new code is no subclass of it. */
    static final int PROTECTED = 4;
    /**
     * A static method of the caller's own class, from a version: the newest version's (a frame
     * still running in an older version reaches what later swaps brought); once removed, the
     * caller's version's own (the frame finishes with the methods it had).
     */
    static final int SIBLING = 5;

    static volatile Engine engine;

    private Linker() {
    }

    /**
     * True when this JVM already has a structural engine (one per JVM, kept across sessions).
     * Says nothing else; here, not on {@link Engine}, so that asking does not load the engine's
     * classes (and ASM's) at start-up.
     */
    public static boolean engineRunning() {
        return engine != null;
    }

    /** The body of a method of a class that went structural: calls its newest version. */
    public static CallSite entry(MethodHandles.Lookup caller, String name, MethodType type, String descriptor,
                                 int isStatic) {
        return engine().bootstraps().entrySite(caller, name, descriptor, isStatic != 0, type);
    }

    /** A call in new code to a member the loaded class lacks: resolved against the newest versions. */
    public static CallSite call(MethodHandles.Lookup caller, String name, MethodType type, int kind, Class<?> owner,
                                String descriptor) {
        return engine().bootstraps().callSite(caller, kind, owner, name, descriptor, type);
    }

    /**
     * A lambda in new code, whose body lives in a hidden class. JDK 25's LambdaMetafactory calls
     * such a body through a method handle; older ones call it by name, which a hidden class does
     * not have (NoClassDefFoundError at the first call). There the lambda is an instance of a
     * small class made for it ({@link LambdaClasses}).
     */
    public static CallSite lambda(MethodHandles.Lookup caller, String name, MethodType type, Object... args)
            throws LambdaConversionException, NoSuchMethodException, IllegalAccessException {
        engine().bootstraps().admitted(caller, "lambda");
        MethodType samType = (MethodType) args[0];
        MethodHandle implementation = (MethodHandle) args[1];
        if (LAMBDA_FACTORY_CALLS_HIDDEN_BODIES) {
            return args.length > 3
                    ? LambdaMetafactory.altMetafactory(caller, name, type, args)
                    : LambdaMetafactory.metafactory(caller, name, type, samType, implementation, (MethodType) args[2]);
        }
        if (args.length == 3) {
            try {
                return LambdaClasses.callSite(caller, type, name, samType, implementation);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // below: the JDK's own proxies, for a public interface
            }
        }
        return proxies(type, implementation);
    }

    /** Lambdas as {@link MethodHandleProxies} instances of their (public) interface, capturing the call's arguments. */
    private static CallSite proxies(MethodType type, MethodHandle implementation)
            throws NoSuchMethodException, IllegalAccessException {
        Class<?> functional = type.returnType();
        if (type.parameterCount() == 0) {
            Object instance = MethodHandleProxies.asInterfaceInstance(functional, implementation);
            return new ConstantCallSite(MethodHandles.constant(functional, instance));
        }
        MethodHandle bind = MethodHandles.lookup().findStatic(Linker.class, "proxy",
                MethodType.methodType(Object.class, Class.class, MethodHandle.class, Object[].class));
        MethodHandle factory = MethodHandles.insertArguments(bind, 0, functional, implementation)
                .asCollector(Object[].class, type.parameterCount()).asType(type);
        return new ConstantCallSite(factory);
    }

    /**
     * A lambda or method reference whose target the calling class cannot name itself: a method a
     * swap added, or a private member of a nest the caller had to leave. The engine finds it.
     */
    public static CallSite lambdaOf(MethodHandles.Lookup caller, String name, MethodType type, MethodType samType,
                                    int tag, Class<?> owner, String member, String descriptor)
            throws NoSuchMethodException, IllegalAccessException {
        MethodHandle target = engine().bootstraps().target(caller, tag, owner, member, descriptor);
        try {
            return LambdaClasses.callSite(caller, type, name, samType, target);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return proxies(type, target);
        }
    }

    /** True from JDK 25 on, where LambdaMetafactory handles a body in a hidden class (measured; 17 does not). */
    static final boolean LAMBDA_FACTORY_CALLS_HIDDEN_BODIES = Runtime.version().feature() >= 25;

    private static Object proxy(Class<?> functional, MethodHandle implementation, Object[] captured) {
        return MethodHandleProxies.asInterfaceInstance(functional, MethodHandles.insertArguments(implementation, 0, captured));
    }

    /** A field that the loaded class lacks (added by a swap): read or written in side storage. */
    public static CallSite field(MethodHandles.Lookup caller, String name, MethodType type, int opcode, Class<?> owner,
                                 String descriptor) {
        return engine().bootstraps().fieldSite(caller, opcode, owner, name, descriptor, type);
    }

    /** A record's {@code toString}, {@code equals} or {@code hashCode} reading a component a swap added. */
    public static CallSite objectMethods(MethodHandles.Lookup caller, String name, MethodType type, Class<?> recordClass,
                                         String components, String fields, String descriptors) throws Throwable {
        return RecordMethods.bootstrap(caller, name, type, recordClass, components, fields, descriptors);
    }

    /**
     * A class of the package of a named version's host ({@link Relocator}), which the version
     * cannot name itself: found in the host's loader, for a caller the engine wrote.
     */
    public static Class<?> type(MethodHandles.Lookup caller, String name, Class<?> type, String internalName) {
        return engine().bootstraps().type(caller, internalName);
    }

    /** A cast, {@code instanceof} or array creation in a named version, of a class of its host's package. */
    public static CallSite typeOp(MethodHandles.Lookup caller, String name, MethodType type, int opcode, Class<?> of) {
        engine().bootstraps().admitted(caller, "typeOp");
        MethodHandle handle = switch (opcode) {
            case org.objectweb.asm.Opcodes.CHECKCAST -> MethodHandles.identity(Object.class)
                    .asType(MethodType.methodType(of, Object.class));
            case org.objectweb.asm.Opcodes.INSTANCEOF -> IS_INSTANCE.bindTo(of);
            case org.objectweb.asm.Opcodes.ANEWARRAY -> MethodHandles.arrayConstructor(of.arrayType());
            default -> MethodHandles.insertArguments(NEW_ARRAY, 0, of.getComponentType())
                    .asCollector(int[].class, type.parameterCount());
        };
        return new ConstantCallSite(handle.asType(type));
    }

    /** {@code new} of a class of a named version's host's package: its constructor, as the host may call it. */
    public static CallSite create(MethodHandles.Lookup caller, String name, MethodType type, Class<?> owner,
                                  String descriptor) {
        // Its first argument is the null that stands where new's uninitialized object stood.
        MethodHandle constructor = engine().bootstraps().constructor(caller, owner, descriptor);
        return new ConstantCallSite(MethodHandles.dropArguments(constructor, 0, Object.class).asType(type));
    }

    private static final MethodHandle IS_INSTANCE;
    private static final MethodHandle NEW_ARRAY;

    static {
        try {
            IS_INSTANCE = MethodHandles.lookup().findVirtual(Class.class, "isInstance",
                    MethodType.methodType(boolean.class, Object.class));
            NEW_ARRAY = MethodHandles.lookup().findStatic(java.lang.reflect.Array.class, "newInstance",
                    MethodType.methodType(Object.class, Class.class, int[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Engine engine() {
        Engine current = engine;
        if (current == null) {
            throw new IllegalStateException("hotswap's structural engine is not running");
        }
        return current;
    }

    /**
     * A constructor that a swap added, called from new code: the arguments wait here while the
     * code calls the class's carrier constructor (an existing one, which {@link TrampolineWriter}
     * gave a prologue that takes them and runs the added constructor's body in its place).
     */
    private static final ThreadLocal<Object[]> PENDING = new ThreadLocal<>();

    private static final MethodHandle PEND;

    static {
        try {
            PEND = MethodHandles.lookup().findStatic(Linker.class, "pend",
                    MethodType.methodType(void.class, int.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * An exception leaving a method of a hidden version at {@code line}: the JVM left that frame
     * out of its stack trace; put it back where it belongs (replacing the trampoline's frame of the
     * same method, which says no line) and return the exception to be thrown on. Never throws.
     */
    public static Throwable passing(Throwable thrown, int line, String className, String method, String file) {
        try {
            if (thrown instanceof StackOverflowError) {
                return thrown; // no room to spare
            }
            StackTraceElement[] trace = thrown.getStackTrace();
            if (trace.length == 0) {
                return thrown; // made without a stack trace
            }
            // The frames below the hidden one, as a trace shows them (reflection frames too, hidden ones not).
            List<StackWalker.StackFrame> callers = StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES).walk(s -> s
                    .dropWhile(f -> ours(f.getClassName()))
                    .toList());
            int at = trace.length - callers.size();
            if (at >= 0 && at < trace.length && trace[at].getClassName().equals(className)
                    && trace[at].getMethodName().equals(method) && trace[at].getLineNumber() == line) {
                // A named version: its frame is in the trace already; the entry's frame below it goes.
                if (at + 1 < trace.length && trace[at + 1].getClassName().equals(className)
                        && trace[at + 1].getMethodName().equals(method) && trace[at + 1].getLineNumber() < 0) {
                    StackTraceElement[] marked = new StackTraceElement[trace.length - 1];
                    System.arraycopy(trace, 0, marked, 0, at + 1);
                    System.arraycopy(trace, at + 2, marked, at + 1, trace.length - at - 2);
                    thrown.setStackTrace(marked);
                }
                return thrown;
            }
            if (at < 0 || (at < trace.length && !same(trace[at], callers.get(0)))) {
                return thrown; // made by another call chain (a cached exception): no place to say
            }
            StackTraceElement frame = new StackTraceElement(className, method, file, line);
            boolean trampoline = at < trace.length && trace[at].getClassName().equals(className)
                    && trace[at].getMethodName().equals(method) && trace[at].getLineNumber() < 0;
            StackTraceElement[] marked;
            if (trampoline) {
                marked = trace.clone();
                marked[at] = frame;
            } else {
                marked = new StackTraceElement[trace.length + 1];
                System.arraycopy(trace, 0, marked, 0, at);
                marked[at] = frame;
                System.arraycopy(trace, at, marked, at + 1, trace.length - at);
            }
            thrown.setStackTrace(marked);
        } catch (Throwable e) {
            Fatal.rethrowIfFatal(e);
            // the exception goes on as it was
        }
        return thrown;
    }

    /**
     * A NullPointerException thrown by an instruction of a hidden version's method: the JVM
     * computes its helpful message from the trace's top frame, which it left out, so it would say
     * nothing; this gives it the message a fresh start gives ({@link NullMessages}). Only for an
     * exception the JVM made right there (no message of its own, not yet asked for one, its trace
     * starting at this frame's caller); {@code key} names the instruction ({@link NullMessages#key}).
     * The same for a method of a loaded class whose rewriting made values come from the engine, which
     * the JVM's message cannot name: its {@code key} is the message ({@link NullHandlers}).
     * Returns it, to be thrown on. Never throws.
     */
    public static Throwable helpful(Throwable thrown, String key) {
        try {
            Engine engine = Linker.engine;
            if (engine != null && thrown instanceof NullPointerException npe) {
                // The handler's frame: a method of a hidden version, whose class file holds the message.
                // Or a loaded class's, whose rewriting gave the message itself (NullHandlers).
                String message = NullMessages.ofLiteral(key);
                if (message == null) {
                    Class<?> version = HIDDEN_FRAMES.walk(s -> s.map(StackWalker.StackFrame::getDeclaringClass)
                            .filter(c -> !ours(c.getName())).findFirst()).orElse(null);
                    message = version == null ? null : engine.npes().message(version, key);
                }
                if (message == null) {
                    return thrown;
                }
                StackTraceElement[] trace = npe.getStackTrace();
                List<StackWalker.StackFrame> callers = StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)
                        .walk(s -> s.dropWhile(f -> ours(f.getClassName())).toList());
                int extra = trace.length - callers.size();
                if (trace.length == 0 || extra < 0 || !same(trace[extra], callers.get(0))) {
                    return thrown;
                }
                for (int i = 0; i < extra; i++) {
                    String at = trace[i].getClassName();
                    // java.util.Objects: a field handle's null check of its object (a named version reaches fields through handles).
                    if (!at.startsWith("java.lang.invoke.") && !at.equals(Dispatch.class.getName())
                            && !at.equals(FieldStore.class.getName()) && !at.equals("java.util.Objects")) {
                        return thrown; // thrown by a method this one called
                    }
                }
                // Thrown here, or by the engine's dispatch of a call made here (a null receiver): as the JVM would here.
                if (engine.npes().explain(npe, message) && extra > 0) {
                    npe.setStackTrace(java.util.Arrays.copyOfRange(trace, extra, trace.length));
                }
            }
        } catch (Throwable e) {
            Fatal.rethrowIfFatal(e);
            // the exception goes on as it was
        }
        return thrown;
    }

    private static final StackWalker HIDDEN_FRAMES = StackWalker.getInstance(java.util.Set.of(
            StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));

    private static final java.util.Set<String> OURS = java.util.Set.of(Linker.class.getName(), Link.class.getName(),
            "dev.hotswap.core.Entry");

    /** True for a class between the engine's code and this one: the way in ({@link Link}, the core's facade, a bridge) and this. */
    private static boolean ours(String className) {
        return OURS.contains(className) || Bridges.isBridge(className);
    }

    private static boolean same(StackTraceElement element, StackWalker.StackFrame frame) {
        return element.getClassName().equals(frame.getClassName()) && element.getMethodName().equals(frame.getMethodName());
    }

    /** Called first by a carrier constructor: the added constructor to run instead (its index, then its arguments), or null. */
    public static Object[] takePending() {
        Object[] pending = PENDING.get();
        if (pending != null) {
            PENDING.remove();
        }
        return pending;
    }

    private static void pend(int index, Object[] arguments) {
        Object[] pending = new Object[arguments.length + 1];
        pending[0] = index;
        System.arraycopy(arguments, 0, pending, 1, arguments.length);
        PENDING.set(pending);
    }

    /** The call to a constructor that a swap added: hands its arguments to the carrier constructor called next. */
    public static CallSite construct(MethodHandles.Lookup caller, String name, MethodType type, Class<?> owner,
                                     String descriptor) {
        int index = engine().bootstraps().constructorIndex(caller, owner, descriptor);
        if (index < 0) {
            MethodHandle thrower = MethodHandles.insertArguments(index == Bootstraps.NOT_ALLOWED ? ILLEGAL_ACCESS_VOID
                    : NO_SUCH_METHOD_VOID, 0, owner.getName() + ".<init>" + descriptor);
            return new ConstantCallSite(MethodHandles.dropArguments(thrower, 0, type.parameterList()));
        }
        MethodHandle pend = MethodHandles.insertArguments(PEND, 0, index)
                .asCollector(Object[].class, type.parameterCount()).asType(type);
        return new ConstantCallSite(pend);
    }

    /** {@code (args)void}: hands the arguments of added constructor {@code index} to the carrier called next. */
    static MethodHandle pending(int index, MethodType type) {
        return MethodHandles.insertArguments(PEND, 0, index).asCollector(Object[].class, type.parameterCount())
                .asType(type.changeReturnType(void.class));
    }

    private static final MethodHandle NO_SUCH_METHOD_VOID;
    private static final MethodHandle ILLEGAL_ACCESS_VOID;

    static {
        try {
            NO_SUCH_METHOD_VOID = MethodHandles.lookup().findStatic(Linker.class, "noSuchMethod",
                    MethodType.methodType(Object.class, String.class)).asType(MethodType.methodType(void.class, String.class));
            ILLEGAL_ACCESS_VOID = MethodHandles.lookup().findStatic(Linker.class, "illegalAccess",
                    MethodType.methodType(Object.class, String.class)).asType(MethodType.methodType(void.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Target of call sites whose member no longer exists: what a fresh compile's stale caller would get. */
    static Object noSuchMethod(String what) {
        throw callersOnly(new NoSuchMethodError(what));
    }

    /** Target of call sites to a member the caller's source may not reach: what the JVM would throw. */
    static Object illegalAccess(String what) {
        throw callersOnly(new IllegalAccessError(what));
    }

    /** Target of field accesses to a field a swap removed. */
    static Object noSuchField(String what) {
        throw callersOnly(new NoSuchFieldError(what));
    }

    /** The error as the JVM would throw it at the stale call: its trace starts at the caller, not here. */
    private static <T extends Throwable> T callersOnly(T error) {
        StackTraceElement[] trace = error.getStackTrace();
        int ours = 0;
        while (ours < trace.length && trace[ours].getClassName().equals(Linker.class.getName())) {
            ours++;
        }
        if (ours > 0) {
            error.setStackTrace(java.util.Arrays.copyOfRange(trace, ours, trace.length));
        }
        return error;
    }
}
