package dev.hotswap.reflect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;

/**
 * What runs behind the accessors of members a swap added ({@link Accessors}): the checks the
 * JDK's own accessors make (receiver, argument count and types, unboxing and widening,
 * {@code final}), then the engine's handle; what the member throws comes out wrapped in an
 * {@link InvocationTargetException}, as from any reflective call.
 */
final class Invoke {
    private Invoke() {
    }

    /** Behind {@code Method.invoke}. */
    static final class OfMethod {
        private final MethodHandle spread; // (Object receiver, Object[] args)Object
        private final Class<?> declaring;
        private final Class<?>[] parameters;
        private final boolean isStatic;

        OfMethod(MethodHandle target, Class<?> declaring, boolean isStatic) {
            this.declaring = declaring;
            this.isStatic = isStatic;
            MethodType type = target.type();
            MethodHandle h = isStatic ? java.lang.invoke.MethodHandles.dropArguments(target, 0, Object.class) : target;
            this.parameters = isStatic ? type.parameterArray() : type.dropParameterTypes(0, 1).parameterArray();
            this.spread = h.asType(h.type().generic()).asSpreader(Object[].class, parameters.length)
                    .asType(MethodType.methodType(Object.class, Object.class, Object[].class));
        }

        public Object invoke(Object receiver, Object[] args) throws InvocationTargetException {
            if (!isStatic) {
                receiver(declaring, receiver);
            }
            Object[] checked = arguments(parameters, args);
            try {
                return (Object) spread.invokeExact(isStatic ? null : receiver, checked);
            } catch (Throwable t) {
                throw new InvocationTargetException(t);
            }
        }

        public Object invoke(Object receiver, Object[] args, Class<?> caller) throws InvocationTargetException {
            return invoke(receiver, args);
        }
    }

    /** Behind {@code Constructor.newInstance}. */
    static final class OfConstructor {
        private final MethodHandle spread; // (Object[] args)Object
        private final Class<?>[] parameters;
        private final boolean isAbstract;

        OfConstructor(MethodHandle target, boolean isAbstract) {
            this.parameters = target.type().parameterArray();
            this.isAbstract = isAbstract;
            this.spread = target.asType(target.type().generic()).asSpreader(Object[].class, parameters.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        }

        public Object newInstance(Object[] args) throws InstantiationException, InvocationTargetException {
            if (isAbstract) {
                throw new InstantiationException();
            }
            Object[] checked = arguments(parameters, args);
            try {
                return (Object) spread.invokeExact(checked);
            } catch (Throwable t) {
                throw new InvocationTargetException(t);
            }
        }
    }

    /** Behind {@code Field.get} and {@code set} and their typed variants. */
    static final class OfField {
        private final MethodHandle getter; // (Object)Object
        private final MethodHandle setter; // (Object, Object)void
        private final Class<?> declaring;
        private final Class<?> type;
        private final String what;
        private final boolean isStatic;
        private final boolean writable;

        OfField(MethodHandle getter, MethodHandle setter, Class<?> declaring, Class<?> type, String what, boolean isStatic,
                boolean writable) {
            this.declaring = declaring;
            this.type = type;
            this.what = what;
            this.isStatic = isStatic;
            this.writable = writable;
            MethodHandle g = isStatic ? java.lang.invoke.MethodHandles.dropArguments(getter, 0, Object.class) : getter;
            MethodHandle s = isStatic ? java.lang.invoke.MethodHandles.dropArguments(setter, 0, Object.class) : setter;
            this.getter = g.asType(MethodType.methodType(Object.class, Object.class));
            this.setter = s.asType(MethodType.methodType(void.class, Object.class, Object.class));
        }

        public Object get(Object o) {
            if (!isStatic) {
                receiver(declaring, o);
            }
            try {
                return (Object) getter.invokeExact(o);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        private Object primitive(Object o, Class<?> as) {
            if (!type.isPrimitive() || !widens(type, as)) {
                throw new IllegalArgumentException("Attempt to get " + type.getName() + " field \"" + what
                        + "\" with illegal data type conversion to " + as.getName());
            }
            return get(o);
        }

        public boolean getBoolean(Object o) {
            return (Boolean) primitive(o, boolean.class);
        }

        public byte getByte(Object o) {
            return (Byte) primitive(o, byte.class);
        }

        public char getChar(Object o) {
            return (Character) primitive(o, char.class);
        }

        public short getShort(Object o) {
            return ((Number) widened(primitive(o, short.class))).shortValue();
        }

        public int getInt(Object o) {
            return ((Number) widened(primitive(o, int.class))).intValue();
        }

        public long getLong(Object o) {
            return ((Number) widened(primitive(o, long.class))).longValue();
        }

        public float getFloat(Object o) {
            return ((Number) widened(primitive(o, float.class))).floatValue();
        }

        public double getDouble(Object o) {
            return ((Number) widened(primitive(o, double.class))).doubleValue();
        }

        public void set(Object o, Object value) throws IllegalAccessException {
            if (!writable) {
                throw new IllegalAccessException("Can not set " + (isStatic ? "static " : "") + "final " + type.getName()
                        + " field " + what + " to " + (value == null ? "null value" : value.getClass().getName()));
            }
            if (!isStatic) {
                receiver(declaring, o);
            }
            Object converted = convert(type, value, () -> "Can not set " + type.getName() + " field " + what + " to "
                    + (value == null ? "null value" : value.getClass().getName()));
            try {
                setter.invokeExact(o, converted);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        public void setBoolean(Object o, boolean v) throws IllegalAccessException {
            set(o, v);
        }

        public void setByte(Object o, byte v) throws IllegalAccessException {
            set(o, v);
        }

        public void setChar(Object o, char v) throws IllegalAccessException {
            set(o, v);
        }

        public void setShort(Object o, short v) throws IllegalAccessException {
            set(o, v);
        }

        public void setInt(Object o, int v) throws IllegalAccessException {
            set(o, v);
        }

        public void setLong(Object o, long v) throws IllegalAccessException {
            set(o, v);
        }

        public void setFloat(Object o, float v) throws IllegalAccessException {
            set(o, v);
        }

        public void setDouble(Object o, double v) throws IllegalAccessException {
            set(o, v);
        }
    }

    private static void receiver(Class<?> declaring, Object receiver) {
        if (receiver == null) {
            throw new NullPointerException("Cannot invoke a member of " + declaring.getName() + " on null");
        }
        if (!declaring.isInstance(receiver)) {
            throw new IllegalArgumentException("object is not an instance of declaring class");
        }
    }

    private static Object[] arguments(Class<?>[] parameters, Object[] args) {
        Object[] given = args == null ? new Object[0] : args;
        if (given.length != parameters.length) {
            throw new IllegalArgumentException("wrong number of arguments: " + given.length + " expected: "
                    + parameters.length);
        }
        Object[] out = new Object[given.length];
        for (int i = 0; i < given.length; i++) {
            out[i] = convert(parameters[i], given[i], () -> "argument type mismatch");
        }
        return out;
    }

    /** The value as a parameter or field of {@code type} takes it (unboxed and widened for a primitive), or IAE. */
    private static Object convert(Class<?> type, Object value, java.util.function.Supplier<String> message) {
        if (!type.isPrimitive()) {
            if (value != null && !type.isInstance(value)) {
                throw new IllegalArgumentException(message.get());
            }
            return value;
        }
        Class<?> from = value == null ? null : unboxed(value.getClass());
        if (from == null || !widens(from, type)) {
            throw new IllegalArgumentException(message.get());
        }
        if (from == type) {
            return value;
        }
        if (from == char.class) {
            value = (int) (Character) value;
        }
        Number n = (Number) value;
        if (type == short.class) {
            return n.shortValue();
        } else if (type == int.class) {
            return n.intValue();
        } else if (type == long.class) {
            return n.longValue();
        } else if (type == float.class) {
            return n.floatValue();
        }
        return n.doubleValue();
    }

    private static Object widened(Object value) {
        return value instanceof Character c ? (int) c : value;
    }

    private static Class<?> unboxed(Class<?> c) {
        if (c == Integer.class) {
            return int.class;
        } else if (c == Long.class) {
            return long.class;
        } else if (c == Boolean.class) {
            return boolean.class;
        } else if (c == Byte.class) {
            return byte.class;
        } else if (c == Character.class) {
            return char.class;
        } else if (c == Short.class) {
            return short.class;
        } else if (c == Float.class) {
            return float.class;
        } else if (c == Double.class) {
            return double.class;
        }
        return null;
    }

    /** JLS 5.1.2: widening primitive conversion (or identity). */
    static boolean widens(Class<?> from, Class<?> to) {
        if (from == to) {
            return true;
        }
        String order = "byte short int long float double";
        if (from == char.class) {
            return to == int.class || to == long.class || to == float.class || to == double.class;
        }
        if (from == boolean.class || to == boolean.class || to == char.class || to == byte.class && from != byte.class) {
            return false;
        }
        int f = order.indexOf(from.getName());
        int t = order.indexOf(to.getName());
        return f >= 0 && t > f;
    }
}
