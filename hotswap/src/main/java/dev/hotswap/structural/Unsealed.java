package dev.hotswap.structural;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Sealed classes of the watched folders load without their {@code PermittedSubclasses}: the JVM
 * checks that list when a subclass loads and refuses to change it by redefinition, so a subclass
 * added by a later compile could never load. Every redefinition of such a class leaves the list
 * out again (the JVM compares it with the loaded one). The compiler has checked the hierarchy;
 * what runs needs no list, and {@code switch} and {@code instanceof} chains do not read it.
 * Reflection still answers with the list ({@code Mirror.unsealed}: {@code isSealed()} is true).
 */
public final class Unsealed {
    private static final byte[] ATTRIBUTE = "PermittedSubclasses".getBytes(StandardCharsets.US_ASCII);

    private Unsealed() {
    }

    /** A class file without its {@code PermittedSubclasses}, and the internal names the list held. */
    public record Stripped(byte[] bytes, List<String> permitted) {
    }

    /** The class file without its {@code PermittedSubclasses}, or null when it has none. */
    public static Stripped strip(byte[] bytes) {
        if (!mentions(bytes)) {
            return null;
        }
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, 0);
            List<String> permitted = new ArrayList<>();
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public void visitPermittedSubclass(String permittedSubclass) {
                    permitted.add(permittedSubclass);
                }
            }, 0);
            return permitted.isEmpty() ? null : new Stripped(writer.toByteArray(), List.copyOf(permitted));
        } catch (RuntimeException e) {
            return null; // not a class file we can read: the JVM will say what is wrong with it
        }
    }

    /** The bytes to redefine {@code type} with: without the list when the class loaded without it. */
    static byte[] asLoaded(Class<?> type, byte[] bytes) {
        if (dev.hotswap.reflect.Mirror.sealedAsLoaded(type)) {
            return bytes; // loaded before hotswap, or from elsewhere: its list stays
        }
        Stripped stripped = strip(bytes);
        return stripped != null ? stripped.bytes() : bytes;
    }

    /** Whether the attribute's name is in the class file at all: most class files are not sealed. */
    private static boolean mentions(byte[] bytes) {
        outer:
        for (int i = 0, last = bytes.length - ATTRIBUTE.length; i <= last; i++) {
            for (int j = 0; j < ATTRIBUTE.length; j++) {
                if (bytes[i + j] != ATTRIBUTE[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
