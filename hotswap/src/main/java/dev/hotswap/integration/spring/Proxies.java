package dev.hotswap.integration.spring;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Optional;
import org.springframework.aop.framework.Advised;
import org.springframework.cglib.proxy.Callback;
import org.springframework.cglib.proxy.Factory;
import org.springframework.cglib.proxy.MethodInterceptor;

/**
 * A method added to a class that Spring proxies by subclassing ({@code @Cacheable},
 * {@code @Transactional}, {@code @Async}, ...): the proxy class, made at start-up, does not
 * override it, so the call would run on the proxy object, whose fields are empty. Routed here
 * instead through the proxy's own advice chain, as its overrides are: the interceptors that
 * match the method (read from its annotations, as after a fresh start), then the target.
 */
final class Proxies {
    private static final MethodHandle VIA_ADVICE;

    static {
        try {
            VIA_ADVICE = MethodHandles.lookup().findStatic(Proxies.class, "viaAdvice",
                    MethodType.methodType(Object.class, Method.class, Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Proxies() {
    }

    /** For an AOP proxy class (CGLIB, with an advice chain): a handle of {@code type} running {@code added} through it. */
    static Optional<MethodHandle> route(Class<?> receiverClass, Method added, MethodType type) {
        if (!Advised.class.isAssignableFrom(receiverClass) || !Factory.class.isAssignableFrom(receiverClass)) {
            return Optional.empty(); // a @Configuration class's subclass is the bean itself: the default is right
        }
        MethodHandle h = MethodHandles.insertArguments(VIA_ADVICE, 0, added)
                .asCollector(Object[].class, type.parameterCount() - 1);
        return Optional.of(h.asType(type));
    }

    /** What the proxy's own override would do: its advice interceptor with this method, or the target's method. */
    static Object viaAdvice(Method method, Object proxy, Object[] args) throws Throwable {
        for (Callback callback : ((Factory) proxy).getCallbacks()) {
            if (callback instanceof MethodInterceptor interceptor
                    && callback.getClass().getName().endsWith("$DynamicAdvisedInterceptor")) {
                return interceptor.intercept(proxy, method, args, null);
            }
        }
        Object target = ((Advised) proxy).getTargetSource().getTarget();
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
