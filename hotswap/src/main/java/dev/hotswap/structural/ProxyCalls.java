package dev.hotswap.structural;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.Type;

/**
 * A call of a method a swap added to an interface, on a JDK proxy of that interface: the proxy's
 * class was generated from the interface as it was (and the JDK keeps generating that same class
 * for proxies made after the swap), so it lacks the method. The call goes to the proxy's
 * invocation handler with the added method, as a proxy generated now would send it: a Spring
 * Data repository, a Spring AOP proxy, a mock, a client made from an interface.
 */
final class ProxyCalls {
    private static final MethodHandle INVOKE;

    static {
        try {
            INVOKE = MethodHandles.lookup().findStatic(ProxyCalls.class, "invoke",
                    MethodType.methodType(Object.class, Method.class, Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ProxyCalls() {
    }

    /** How the call reaches a receiver of {@code proxyClass}; empty when it is no JDK proxy or none of its interfaces has the method. */
    static Optional<MethodHandle> of(Class<?> proxyClass, String name, String descriptor, MethodType type) {
        if (!Proxy.isProxyClass(proxyClass)) {
            return Optional.empty();
        }
        Optional<Method> method;
        try {
            method = interfaceMethod(proxyClass, name, descriptor);
        } catch (LinkageError | TypeNotPresentException e) {
            return Optional.empty(); // an interface's member names a class that is not there: the call resolves as the JVM's
        }
        return method.map(m -> MethodHandles.insertArguments(INVOKE, 0, m)
                .asCollector(Object[].class, type.parameterCount() - 1).asType(type));
    }

    /** The instance method of one of the proxy's interfaces (or theirs), as reflection lists it now. */
    private static Optional<Method> interfaceMethod(Class<?> proxyClass, String name, String descriptor) {
        Deque<Class<?>> todo = new ArrayDeque<>(java.util.List.of(proxyClass.getInterfaces()));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> k = todo.removeFirst();
            if (!seen.add(k)) {
                continue;
            }
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name) && !Modifier.isStatic(m.getModifiers())
                        && Type.getMethodDescriptor(m).equals(descriptor)) {
                    return Optional.of(m);
                }
            }
            todo.addAll(java.util.List.of(k.getInterfaces()));
        }
        return Optional.empty();
    }

    /** As a generated proxy calls its handler: checked exceptions the method does not declare are wrapped. */
    private static Object invoke(Method method, Object proxy, Object[] args) throws Throwable {
        InvocationHandler handler = Proxy.getInvocationHandler(proxy);
        try {
            return handler.invoke(proxy, method, args.length == 0 ? null : args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            for (Class<?> declared : method.getExceptionTypes()) {
                if (declared.isInstance(t)) {
                    throw t;
                }
            }
            throw new UndeclaredThrowableException(t);
        }
    }
}
