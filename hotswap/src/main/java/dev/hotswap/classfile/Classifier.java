package dev.hotswap.classfile;

import dev.hotswap.classfile.Change.Kind;
import dev.hotswap.classfile.ClassModel.Member;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Compares the running version of a class with a new one and lists every structural change, the
 * changes HotSpot's {@code redefineClasses} refuses. An empty list means only method bodies,
 * constants or attributes differ. Pure: no class is loaded, nothing is cached.
 *
 * <p>The checks mirror HotSpot's own ({@code VM_RedefineClasses::compare_and_normalize_class_versions}):
 * fields must keep name, type, modifiers and order; methods may be reordered but not added,
 * removed or given other modifiers (apart from {@code native}); superclass, interfaces (in
 * order), class modifiers, NestHost, NestMembers, PermittedSubclasses and Record must not change.
 */
public final class Classifier {

    /** Class flags HotSpot compares (it keeps ACC_SUPER, so do we). */
    private static final int CLASS_FLAGS = 0x7631;
    /** Method flags HotSpot compares: all it recognises except {@code native}. */
    private static final int METHOD_FLAGS = 0x1FFF & ~Opcodes.ACC_NATIVE;
    /** Field flags HotSpot recognises. */
    private static final int FIELD_FLAGS = 0x50DF;

    private Classifier() {
    }

    /** Every structural change from {@code running} to {@code next}; empty when bodies only differ. */
    public static List<Change> diff(ClassModel running, ClassModel next) {
        List<Change> changes = new ArrayList<>();
        classLevel(running, next, changes);
        fields(running, next, changes);
        methods(running, next, changes);
        lambdaRenumbering(running, next, changes);
        return List.copyOf(changes);
    }

    private static void classLevel(ClassModel a, ClassModel b, List<Change> out) {
        if (!a.superName().equals(b.superName())) {
            out.add(new Change(Kind.SUPERCLASS_CHANGED, "",
                    "superclass changed from " + javaName(a.superName()) + " to " + javaName(b.superName())));
        }
        if (!a.interfaces().equals(b.interfaces())) {
            out.add(new Change(Kind.INTERFACES_CHANGED, "",
                    "implemented interfaces changed from " + names(a.interfaces()) + " to " + names(b.interfaces())));
        }
        if ((a.access() & CLASS_FLAGS) != (b.access() & CLASS_FLAGS)) {
            out.add(new Change(Kind.CLASS_MODIFIERS_CHANGED, "",
                    "class modifiers changed from '" + classModifiers(a.access()) + "' to '"
                            + classModifiers(b.access()) + "'"));
        }
        if (!a.nestHost().equals(b.nestHost())) {
            out.add(new Change(Kind.NEST_HOST_CHANGED, "",
                    "nest host changed from " + a.nestHost().map(Classifier::javaName).orElse("none")
                            + " to " + b.nestHost().map(Classifier::javaName).orElse("none")));
        }
        listChange(a.nestMembers(), b.nestMembers(), Kind.NEST_MEMBERS_CHANGED, "nested class", out);
        listChange(a.permittedSubclasses(), b.permittedSubclasses(), Kind.PERMITTED_SUBCLASSES_CHANGED,
                "permitted subclass", out);
        if (!a.recordComponents().equals(b.recordComponents())) {
            out.add(new Change(Kind.RECORD_COMPONENTS_CHANGED, "",
                    "record components changed from (" + components(a.recordComponents()) + ") to ("
                            + components(b.recordComponents()) + ")"));
        }
    }

    private static void listChange(List<String> a, List<String> b, Kind kind, String what, List<Change> out) {
        if (a.equals(b)) {
            return;
        }
        Set<String> added = new LinkedHashSet<>(b);
        added.removeAll(a);
        Set<String> removed = new LinkedHashSet<>(a);
        removed.removeAll(b);
        for (String name : added) {
            out.add(new Change(kind, javaName(name), what + " " + javaName(name) + " added"));
        }
        for (String name : removed) {
            out.add(new Change(kind, javaName(name), what + " " + javaName(name) + " removed"));
        }
        if (added.isEmpty() && removed.isEmpty()) {
            out.add(new Change(kind, "", what + "es reordered"));
        }
    }

    private static void fields(ClassModel a, ClassModel b, List<Change> out) {
        Map<String, Member> before = byName(a.fields());
        Map<String, Member> after = byName(b.fields());
        for (Member old : a.fields()) {
            Member now = after.get(old.name());
            if (now == null) {
                out.add(old.is(Opcodes.ACC_ENUM)
                        ? new Change(Kind.ENUM_CONSTANT_REMOVED, old.name(), "enum constant " + old.name() + " removed")
                        : new Change(Kind.FIELD_REMOVED, old.name(),
                                "field " + typeName(old.descriptor()) + " " + old.name() + " removed", old.descriptor(), ""));
            } else if (!old.descriptor().equals(now.descriptor())) {
                out.add(new Change(Kind.FIELD_TYPE_CHANGED, old.name(), "field " + old.name() + " changed type from "
                        + typeName(old.descriptor()) + " to " + typeName(now.descriptor()), old.descriptor(), now.descriptor()));
            } else if ((old.access() & FIELD_FLAGS) != (now.access() & FIELD_FLAGS)) {
                out.add(new Change(Kind.FIELD_MODIFIERS_CHANGED, old.name(), "field " + old.name()
                        + " modifiers changed from '" + fieldModifiers(old.access()) + "' to '"
                        + fieldModifiers(now.access()) + "'", old.descriptor(), now.descriptor()));
            }
        }
        for (Member now : b.fields()) {
            if (!before.containsKey(now.name())) {
                out.add(now.is(Opcodes.ACC_ENUM)
                        ? new Change(Kind.ENUM_CONSTANT_ADDED, now.name(), "enum constant " + now.name() + " added")
                        : new Change(Kind.FIELD_ADDED, now.name(),
                                "field " + typeName(now.descriptor()) + " " + now.name() + " added", "", now.descriptor()));
            }
        }
        if (out.stream().noneMatch(c -> c.kind().name().startsWith("FIELD") || c.kind().name().startsWith("ENUM"))) {
            List<String> orderBefore = a.fields().stream().map(Member::name).toList();
            List<String> orderAfter = b.fields().stream().map(Member::name).toList();
            if (!orderBefore.equals(orderAfter)) {
                out.add(new Change(Kind.FIELDS_REORDERED, "", "fields reordered: " + orderBefore + " became " + orderAfter));
            }
        }
    }

    private static void methods(ClassModel a, ClassModel b, List<Change> out) {
        Map<String, Member> before = bySignature(a.methods());
        Map<String, Member> after = bySignature(b.methods());
        List<Member> removed = new ArrayList<>();
        List<Member> added = new ArrayList<>();
        for (Member old : a.methods()) {
            Member now = after.get(old.name() + old.descriptor());
            if (now == null) {
                removed.add(old);
            } else if ((old.access() & METHOD_FLAGS) != (now.access() & METHOD_FLAGS)) {
                out.add(new Change(Kind.METHOD_MODIFIERS_CHANGED, methodName(old), describe(old)
                        + " modifiers changed from '" + methodModifiers(old.access()) + "' to '"
                        + methodModifiers(now.access()) + "'", old.descriptor(), now.descriptor()));
            }
        }
        for (Member now : b.methods()) {
            if (!before.containsKey(now.name() + now.descriptor())) {
                added.add(now);
            }
        }
        // One overload out and one in under the same name reads best as a signature change.
        for (Member old : List.copyOf(removed)) {
            List<Member> sameNameOut = removed.stream().filter(m -> m.name().equals(old.name())).toList();
            List<Member> sameNameIn = added.stream().filter(m -> m.name().equals(old.name())).toList();
            if (sameNameOut.size() == 1 && sameNameIn.size() == 1 && !isLambda(old)) {
                Member now = sameNameIn.get(0);
                removed.remove(old);
                added.remove(now);
                out.add(new Change(Kind.METHOD_SIGNATURE_CHANGED, methodName(old), signatureChange(old, now), old.descriptor(),
                        now.descriptor()));
            }
        }
        for (Member old : removed) {
            out.add(isLambda(old)
                    ? new Change(Kind.LAMBDA_REMOVED, methodName(old), "a lambda in " + lambdaHost(old)
                            + " was removed (" + old.name() + "); lambdas are methods, so this removes a method", old.descriptor(), "")
                    : new Change(Kind.METHOD_REMOVED, methodName(old), describe(old) + " removed", old.descriptor(), ""));
        }
        for (Member now : added) {
            out.add(isLambda(now)
                    ? new Change(Kind.LAMBDA_ADDED, methodName(now), "a lambda was added in " + lambdaHost(now)
                            + " (" + now.name() + "); lambdas are methods, so this adds a method", "", now.descriptor())
                    : new Change(Kind.METHOD_ADDED, methodName(now), describe(now) + " added", "", now.descriptor()));
        }
    }

    /**
     * javac numbers lambda methods in source order, so inserting or moving one gives an existing
     * lambda's name to another body. Swapped in by name alone, a lambda object created before the
     * swap would then run another lambda's body: found here, as a structural change.
     */
    private static void lambdaRenumbering(ClassModel a, ClassModel b, List<Change> out) {
        Map<String, Member> after = bySignature(b.methods());
        List<Member> newLambdas = b.methods().stream().filter(Classifier::isLambda).toList();
        for (Member old : a.methods()) {
            Member now = after.get(old.name() + old.descriptor());
            if (!isLambda(old) || now == null) {
                continue;
            }
            Optional<Long> oldBody = a.bodyHash(old);
            if (oldBody.isEmpty() || oldBody.equals(b.bodyHash(now))) {
                continue;
            }
            for (Member other : newLambdas) {
                if (other != now && oldBody.equals(b.bodyHash(other))) {
                    out.add(new Change(Kind.LAMBDAS_RENUMBERED, methodName(old), "lambdas in " + lambdaHost(old)
                            + " were renumbered by javac (the body of " + old.name() + " is now " + other.name()
                            + "); a lambda object created before the swap would run another lambda's body"));
                    break;
                }
            }
        }
    }

    private static String signatureChange(Member old, Member now) {
        Type oldType = Type.getMethodType(old.descriptor());
        Type newType = Type.getMethodType(now.descriptor());
        StringJoiner what = new StringJoiner(" and ");
        if (!java.util.Arrays.equals(oldType.getArgumentTypes(), newType.getArgumentTypes())) {
            what.add("now takes (" + parameters(now.descriptor()) + ")");
        }
        if (!oldType.getReturnType().equals(newType.getReturnType())) {
            what.add("now returns " + simple(newType.getReturnType().getClassName())
                    + " instead of " + simple(oldType.getReturnType().getClassName()));
        }
        return describe(old) + " " + what;
    }

    private static boolean isLambda(Member method) {
        return method.name().startsWith("lambda$");
    }

    /** {@code lambda$run$2} → {@code run()}; javac names a lambda's method after its host. */
    private static String lambdaHost(Member lambda) {
        String[] parts = lambda.name().split("\\$");
        if (parts.length < 3) {
            return "this class";
        }
        String host = parts[1];
        return switch (host) {
            case "new" -> "a constructor";
            case "static" -> "a static initializer";
            default -> "method " + host + "()";
        };
    }

    private static String describe(Member method) {
        return switch (method.name()) {
            case "<init>" -> "constructor (" + parameters(method.descriptor()) + ")";
            case "<clinit>" -> "static initializer";
            default -> "method " + methodName(method);
        };
    }

    /** {@code test(int)}: how a reader of the source names a method. */
    public static String methodName(Member method) {
        String name = method.name().equals("<init>") ? "<init>" : method.name();
        return name + "(" + parameters(method.descriptor()) + ")";
    }

    private static String parameters(String methodDescriptor) {
        Type[] arguments = Type.getMethodType(methodDescriptor).getArgumentTypes();
        StringJoiner joiner = new StringJoiner(", ");
        for (Type argument : arguments) {
            joiner.add(simple(argument.getClassName()));
        }
        return joiner.toString();
    }

    private static String typeName(String fieldDescriptor) {
        return simple(Type.getType(fieldDescriptor).getClassName());
    }

    /** {@code java.lang.String[]} → {@code String[]}: a package prefix rarely helps here. */
    private static String simple(String className) {
        int dot = className.lastIndexOf('.');
        return (dot < 0 ? className : className.substring(dot + 1)).replace('$', '.');
    }

    private static String javaName(String internalName) {
        return internalName.isEmpty() ? "java.lang.Object" : internalName.replace('/', '.');
    }

    private static String names(List<String> internalNames) {
        return internalNames.stream().map(Classifier::javaName).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String components(List<Member> components) {
        return components.stream().map(c -> typeName(c.descriptor()) + " " + c.name())
                .collect(Collectors.joining(", "));
    }

    private static Map<String, Member> byName(List<Member> members) {
        Map<String, Member> map = new LinkedHashMap<>();
        members.forEach(m -> map.put(m.name(), m));
        return map;
    }

    private static Map<String, Member> bySignature(List<Member> members) {
        Map<String, Member> map = new LinkedHashMap<>();
        members.forEach(m -> map.put(m.name() + m.descriptor(), m));
        return map;
    }

    private static String classModifiers(int access) {
        StringJoiner joiner = new StringJoiner(" ");
        String base = Modifier.toString(access & (Modifier.PUBLIC | Modifier.FINAL | Modifier.ABSTRACT));
        if (!base.isEmpty()) {
            joiner.add(base);
        }
        if ((access & Opcodes.ACC_ANNOTATION) != 0) {
            joiner.add("@interface");
        } else if ((access & Opcodes.ACC_INTERFACE) != 0) {
            joiner.add("interface");
        } else if ((access & Opcodes.ACC_ENUM) != 0) {
            joiner.add("enum");
        } else {
            joiner.add("class");
        }
        if ((access & Opcodes.ACC_SYNTHETIC) != 0) {
            joiner.add("(synthetic)");
        }
        return joiner.toString();
    }

    private static String methodModifiers(int access) {
        String text = Modifier.toString(access & Modifier.methodModifiers());
        if ((access & Opcodes.ACC_VARARGS) != 0) {
            text = (text + " varargs").trim();
        }
        if ((access & Opcodes.ACC_BRIDGE) != 0) {
            text = (text + " bridge").trim();
        }
        if ((access & Opcodes.ACC_SYNTHETIC) != 0) {
            text = (text + " synthetic").trim();
        }
        return text.isEmpty() ? "package-private" : text;
    }

    private static String fieldModifiers(int access) {
        String text = Modifier.toString(access & Modifier.fieldModifiers());
        return text.isEmpty() ? "package-private" : text;
    }
}
