package dev.hotswap.boot;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The core's side of {@link Link}'s bootstrap methods, one for one. Any code may call these with
 * any lookup it can make (a full-privilege lookup of any class of its own module, forged with
 * {@code privateLookupIn}); the core answers each with no more than that lookup's class may reach
 * under the JVM's access rules.
 */
public interface Links {
    CallSite entry(MethodHandles.Lookup caller, String name, MethodType type, String descriptor, int isStatic);

    CallSite call(MethodHandles.Lookup caller, String name, MethodType type, int kind, Class<?> owner, String descriptor);

    CallSite lambda(MethodHandles.Lookup caller, String name, MethodType type, Object[] args)
            throws LambdaConversionException, NoSuchMethodException, IllegalAccessException;

    CallSite lambdaOf(MethodHandles.Lookup caller, String name, MethodType type, MethodType samType, int tag,
                      Class<?> owner, String member, String descriptor) throws NoSuchMethodException, IllegalAccessException;

    CallSite field(MethodHandles.Lookup caller, String name, MethodType type, int opcode, Class<?> owner, String descriptor);

    CallSite objectMethods(MethodHandles.Lookup caller, String name, MethodType type, Class<?> recordClass, String components,
                           String fields, String descriptors) throws Throwable;

    Class<?> type(MethodHandles.Lookup caller, String name, Class<?> type, String internalName);

    CallSite typeOp(MethodHandles.Lookup caller, String name, MethodType type, int opcode, Class<?> of);

    CallSite create(MethodHandles.Lookup caller, String name, MethodType type, Class<?> owner, String descriptor);

    CallSite construct(MethodHandles.Lookup caller, String name, MethodType type, Class<?> owner, String descriptor);

    Throwable passing(Throwable thrown, int line, String className, String method, String file);

    Throwable helpful(Throwable thrown, String key);

    Object[] takePending();
}
