package dev.hotswap.classfile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether the classes, fields and methods that new bytes name, and the version running now did
 * not, exist: in the batch, among the loaded classes, or where the class's loader finds them. A
 * class file that passes the JVM's format checks and its verifier may still name a class or a
 * method that is not there (a corrupt or stale file); applied, the program would meet a
 * {@code LinkageError} at the first call. Pure: what a class has comes from {@link Classes}.
 */
public final class LinkCheck {
    private LinkCheck() {
    }

    /** What can be known of a class, by internal name. */
    public interface Classes {
        /**
         * The class's shape, {@link Lookup#missing()} when it does not exist, or
         * {@link Lookup#unknown()} when it cannot be told (then nothing about it is refused).
         */
        Lookup find(String internalName);
    }

    /** The answer of {@link Classes#find}. */
    public sealed interface Lookup {
        static Lookup missing() {
            return Missing.INSTANCE;
        }

        static Lookup unknown() {
            return Unknown.INSTANCE;
        }
    }

    /**
     * A class as far as linking goes.
     *
     * @param superName internal name of the superclass, empty for {@code java/lang/Object}
     * @param fields {@code name:descriptor} of each declared field
     * @param methods {@code name + descriptor} of each declared method
     */
    public record Shape(String name, Optional<String> superName, List<String> interfaces, Set<String> fields,
                        Set<String> methods) implements Lookup {
        public Shape {
            interfaces = List.copyOf(interfaces);
            fields = Set.copyOf(fields);
            methods = Set.copyOf(methods);
        }

        /** The shape of a parsed class file. */
        public static Shape of(ClassModel model) {
            Set<String> fields = new HashSet<>();
            model.fields().forEach(f -> fields.add(f.name() + ":" + f.descriptor()));
            Set<String> methods = new HashSet<>();
            model.methods().forEach(m -> methods.add(m.name() + m.descriptor()));
            return new Shape(model.name(), Optional.ofNullable(model.superName()).filter(s -> !s.isEmpty()),
                    model.interfaces(), fields, methods);
        }
    }

    private enum Missing implements Lookup { INSTANCE }

    private enum Unknown implements Lookup { INSTANCE }

    /** One reference that does not resolve: what it names, and why not. */
    public record Unresolved(String reference, String why) {
    }

    /**
     * The references of {@code next} that {@code running} did not have and that do not resolve.
     *
     * @param running the bytes running now, or empty for a class that is new
     */
    public static List<Unresolved> check(byte[] next, Optional<byte[]> running, Classes classes) {
        ConstantPool now = ConstantPool.of(next);
        ConstantPool before = running.map(ConstantPool::of).orElse(null);
        Set<String> oldClasses = before == null ? Set.of() : before.classes();
        Set<ConstantPool.MemberRef> oldMembers = before == null ? Set.of() : before.members();
        List<Unresolved> result = new ArrayList<>();
        Optional<String> self = now.thisClass();
        for (String name : now.classes()) {
            if (!oldClasses.contains(name) && !self.filter(name::equals).isPresent()) {
                String element = elementClass(name);
                if (element != null && classes.find(element) instanceof Missing) {
                    result.add(new Unresolved(element.replace('/', '.'), "no such class"));
                }
            }
        }
        Set<String> oldDescribed = before == null ? Set.of() : before.descriptorClasses();
        for (String name : now.descriptorClasses()) {
            if (!oldDescribed.contains(name) && !oldClasses.contains(name) && !self.filter(name::equals).isPresent()
                    && classes.find(name) instanceof Missing) {
                result.add(new Unresolved(name.replace('/', '.'), "no such class"));
            }
        }
        for (ConstantPool.MemberRef ref : now.members()) {
            if (oldMembers.contains(ref) || ref.owner().startsWith("[")) {
                continue; // an array's members are Object's (clone() included)
            }
            Lookup owner = classes.find(ref.owner());
            if (owner instanceof Missing) {
                result.add(new Unresolved(ref.toString(), "no such class " + ref.owner().replace('/', '.')));
            } else if (owner instanceof Shape shape && !resolves(shape, ref, classes)) {
                result.add(new Unresolved(ref.toString(), "no such " + (ref.field() ? "field" : "method")
                        + " in " + ref.owner().replace('/', '.') + " or its supertypes"));
            }
        }
        return result;
    }

    /** The class an array descriptor holds, the name itself for a class, or null for an array of primitives. */
    private static String elementClass(String name) {
        if (!name.startsWith("[")) {
            return name;
        }
        String element = name.replaceFirst("^\\[+", "");
        return element.startsWith("L") && element.endsWith(";") ? element.substring(1, element.length() - 1) : null;
    }

    /** True when the member is declared by the owner or a supertype; false only when every supertype is known. */
    private static boolean resolves(Shape owner, ConstantPool.MemberRef ref, Classes classes) {
        String member = ref.field() ? ref.name() + ":" + ref.descriptor() : ref.name() + ref.descriptor();
        Deque<Shape> todo = new ArrayDeque<>(List.of(owner));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Shape k = todo.poll();
            if (!seen.add(k.name())) {
                continue;
            }
            if ((ref.field() ? k.fields() : k.methods()).contains(member) || signaturePolymorphic(k, ref)) {
                return true;
            }
            List<String> supertypes = new ArrayList<>(k.interfaces());
            k.superName().ifPresent(supertypes::add);
            if (!ref.field() && ref.interfaceMethod() && k.superName().isEmpty() && !k.name().equals("java/lang/Object")) {
                supertypes.add("java/lang/Object"); // an interface's methods include Object's public ones
            }
            for (String s : supertypes) {
                Lookup found = classes.find(s);
                if (found instanceof Shape shape) {
                    todo.add(shape);
                } else {
                    return true; // a supertype we cannot see: not ours to refuse
                }
            }
        }
        return false;
    }

    /** {@code MethodHandle.invoke*} and {@code VarHandle}'s access modes take any descriptor (JVMS 2.9.3). */
    private static boolean signaturePolymorphic(Shape k, ConstantPool.MemberRef ref) {
        if (ref.field() || !(k.name().equals("java/lang/invoke/MethodHandle") || k.name().equals("java/lang/invoke/VarHandle"))) {
            return false;
        }
        return k.methods().stream().anyMatch(m -> m.startsWith(ref.name() + "(") && m.contains("[Ljava/lang/Object;)"));
    }
}
