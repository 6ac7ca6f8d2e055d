package dev.hotswap.reflect;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Where the JDK's annotation parser reads the annotations of a newer version. Annotation bytes
 * name their types and values by index into the constant pool of their own class file, which the
 * loaded class does not have: for each version a small hidden class is defined whose constant
 * pool is that class file's, index for index (no members, no code), and each annotation byte
 * array handed to reflection is paired, by identity, with that pool.
 */
final class ConstantPools {
    private final MethodHandles.Lookup trusted;
    private final MethodHandle poolOf;
    private final Map<byte[], Object> pools = new WeakHashMap<>(); // byte[] keys: identity

    ConstantPools(MethodHandles.Lookup trusted) throws ReflectiveOperationException {
        this.trusted = trusted;
        Class<?> pool = Class.forName("jdk.internal.reflect.ConstantPool");
        this.poolOf = trusted.findVirtual(Class.class, "getConstantPool", java.lang.invoke.MethodType.methodType(pool))
                .asType(java.lang.invoke.MethodType.methodType(Object.class, Class.class));
    }

    /** The constant pool of {@code classFile}, as a JDK {@code ConstantPool}, for a class of {@code host}'s package. */
    Object define(Class<?> host, byte[] classFile) throws Throwable {
        Class<?> carrier = trusted.in(host).defineHiddenClass(carrierOf(classFile), false).lookupClass();
        return (Object) poolOf.invokeExact(carrier);
    }

    /** Pairs annotation bytes with the pool they index into; returns them. */
    byte[] pair(byte[] annotations, Object pool) {
        if (annotations != null) {
            synchronized (pools) {
                pools.put(annotations, pool);
            }
        }
        return annotations;
    }

    /** The pool paired with these bytes, or {@code fallback}. */
    Object poolFor(byte[] annotations, Object fallback) {
        if (annotations == null) {
            return fallback;
        }
        synchronized (pools) {
            Object pool = pools.get(annotations);
            return pool == null ? fallback : pool;
        }
    }

    /**
     * A class file with {@code classFile}'s constant pool, unchanged but for two constants added at
     * its end (its superclass, {@code java.lang.Object}), its own name, no members, and its
     * {@code BootstrapMethods} (which the pool's dynamic constants need).
     */
    static byte[] carrierOf(byte[] classFile) throws IOException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(classFile);
        int[] offsets = dev.hotswap.classfile.ConstantPool.tagOffsets(classFile);
        int count = offsets.length - 1;
        int at = offsets[count];
        int poolEnd = at;
        int thisClass = in.getShort(at + 2) & 0xFFFF;
        byte[] bootstrapMethods = bootstrapMethods(classFile, in, at, offsets);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(poolEnd + 64);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(classFile, 0, 8);
        out.writeShort(count + 2);
        out.write(classFile, 10, poolEnd - 10);
        out.writeByte(1);
        out.writeUTF("java/lang/Object");
        out.writeByte(7);
        out.writeShort(count);
        out.writeShort(0x1000 | 0x0020 | 0x0010); // synthetic, super, final
        out.writeShort(thisClass);
        out.writeShort(count + 1);
        out.writeShort(0); // interfaces
        out.writeShort(0); // fields
        out.writeShort(0); // methods
        if (bootstrapMethods == null) {
            out.writeShort(0);
        } else {
            out.writeShort(1);
            out.write(bootstrapMethods);
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** The whole {@code BootstrapMethods} attribute (name index included), or null. */
    private static byte[] bootstrapMethods(byte[] b, java.nio.ByteBuffer in, int at, int[] offsets) {
        at += 6;
        at += 2 + 2 * (in.getShort(at) & 0xFFFF);
        for (int members = 0; members < 2; members++) {
            int n = in.getShort(at) & 0xFFFF;
            at += 2;
            for (int i = 0; i < n; i++) {
                int attributes = in.getShort(at + 6) & 0xFFFF;
                at += 8;
                for (int a = 0; a < attributes; a++) {
                    at += 6 + in.getInt(at + 2);
                }
            }
        }
        int attributes = in.getShort(at) & 0xFFFF;
        at += 2;
        for (int a = 0; a < attributes; a++) {
            int length = in.getInt(at + 2);
            if (utf8Equals(b, in, offsets[in.getShort(at) & 0xFFFF], "BootstrapMethods")) {
                return java.util.Arrays.copyOfRange(b, at, at + 6 + length);
            }
            at += 6 + length;
        }
        return null;
    }

    private static boolean utf8Equals(byte[] b, java.nio.ByteBuffer in, int at, String expected) {
        int length = in.getShort(at + 1) & 0xFFFF;
        return (b[at] & 0xFF) == 1 && new String(b, at + 3, length, java.nio.charset.StandardCharsets.UTF_8).equals(expected);
    }
}
