package dev.hotswap.reflect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

/**
 * Makes the JDK's reflective objects for a view ({@link View}): {@code Method}, {@code Field},
 * {@code Constructor} and {@code Parameter} through their package-private constructors, their
 * slots read, and accessors set for members the loaded class lacks ({@link Accessors}).
 */
final class Members {
    private final Accessors accessors;
    private final MethodHandle newMethod;
    private final MethodHandle newField;
    private final MethodHandle newConstructor;
    private final MethodHandle newParameter;
    private final VarHandle methodSlot;
    private final VarHandle fieldSlot;
    private final VarHandle constructorSlot;
    private final VarHandle methodAccessor;
    private final VarHandle fieldAccessor;
    private final VarHandle overrideFieldAccessor;
    private final VarHandle constructorAccessor;

    Members(MethodHandles.Lookup trusted, Accessors accessors) throws ReflectiveOperationException {
        this.accessors = accessors;
        newMethod = trusted.findConstructor(Method.class, MethodType.methodType(void.class, Class.class, String.class,
                Class[].class, Class.class, Class[].class, int.class, int.class, String.class, byte[].class, byte[].class,
                byte[].class));
        newField = trusted.findConstructor(Field.class, MethodType.methodType(void.class, Class.class, String.class, Class.class,
                int.class, boolean.class, int.class, String.class, byte[].class));
        newConstructor = trusted.findConstructor(Constructor.class, MethodType.methodType(void.class, Class.class, Class[].class,
                Class[].class, int.class, int.class, String.class, byte[].class, byte[].class));
        newParameter = trusted.findConstructor(Parameter.class, MethodType.methodType(void.class, String.class, int.class,
                Executable.class, int.class));
        methodSlot = trusted.findVarHandle(Method.class, "slot", int.class);
        fieldSlot = trusted.findVarHandle(Field.class, "slot", int.class);
        constructorSlot = trusted.findVarHandle(Constructor.class, "slot", int.class);
        methodAccessor = trusted.findVarHandle(Method.class, "methodAccessor", Class.forName("jdk.internal.reflect.MethodAccessor"));
        Class<?> fa = Class.forName("jdk.internal.reflect.FieldAccessor");
        fieldAccessor = trusted.findVarHandle(Field.class, "fieldAccessor", fa);
        overrideFieldAccessor = trusted.findVarHandle(Field.class, "overrideFieldAccessor", fa);
        constructorAccessor = trusted.findVarHandle(Constructor.class, "constructorAccessor",
                Class.forName("jdk.internal.reflect.ConstructorAccessor"));
    }


    int slot(Method m) {
        return (int) methodSlot.get(m);
    }

    int slot(Field f) {
        return (int) fieldSlot.get(f);
    }

    int slot(Constructor<?> c) {
        return (int) constructorSlot.get(c);
    }

    Method newMethod(Class<?> declaring, String name, Class<?>[] parameters, Class<?> returns, Class<?>[] exceptions,
                     int modifiers, int slot, String signature, byte[] annotations, byte[] parameterAnnotations,
                     byte[] annotationDefault) throws Throwable {
        return (Method) newMethod.invoke(declaring, name, parameters, returns, exceptions, modifiers, slot, signature,
                annotations, parameterAnnotations, annotationDefault);
    }

    Field newField(Class<?> declaring, String name, Class<?> type, int modifiers, boolean trustedFinal, int slot,
                   String signature, byte[] annotations) throws Throwable {
        return (Field) newField.invoke(declaring, name, type, modifiers, trustedFinal, slot, signature, annotations);
    }

    Constructor<?> newConstructor(Class<?> declaring, Class<?>[] parameters, Class<?>[] exceptions, int modifiers, int slot,
                                  String signature, byte[] annotations, byte[] parameterAnnotations) throws Throwable {
        return (Constructor<?>) newConstructor.invoke(declaring, parameters, exceptions, modifiers, slot, signature,
                annotations, parameterAnnotations);
    }

    Parameter newParameter(String name, int modifiers, Executable executable, int index) throws Throwable {
        return (Parameter) newParameter.invoke(name, modifiers, executable, index);
    }

    void methodAccessor(Method m, Invoke.OfMethod target) throws Throwable {
        methodAccessor.setVolatile(m, accessors.make("jdk.internal.reflect.MethodAccessor", target));
    }

    void fieldAccessors(Field f, Invoke.OfField checked, Invoke.OfField overriding) throws Throwable {
        fieldAccessor.setVolatile(f, accessors.make("jdk.internal.reflect.FieldAccessor", checked));
        overrideFieldAccessor.setVolatile(f, accessors.make("jdk.internal.reflect.FieldAccessor", overriding));
    }

    void constructorAccessor(Constructor<?> c, Invoke.OfConstructor target) throws Throwable {
        constructorAccessor.setVolatile(c, accessors.make("jdk.internal.reflect.ConstructorAccessor", target));
    }
}
