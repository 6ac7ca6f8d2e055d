package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.objectweb.asm.Opcodes;

/**
 * Which body the entry of a lambda runs after a swap: a lambda object made before a swap holds
 * the entry of its body's method, and javac names those methods by a class-wide count, so the
 * same name may now hold another lambda's body. Called under the engine's lock.
 */
final class LambdaEntries {
    private LambdaEntries() {
    }

    /**
     * A lambda object made before the swap runs its own body, in whatever version has it, and
     * never another lambda's: javac numbers lambdas class-wide, so inserting or moving one
     * renames the others. In order: the same body under any name; else, among the lambdas of
     * the method it is written in, once those whose bodies stayed are paired off, the one left at
     * its place (its body edited; if it now captures other variables, the old object cannot run
     * it and keeps the body it had); else the same name, unless that name now holds a body that
     * was another lambda's; else its body is gone from the source and it throws
     * {@code NoSuchMethodError}, as DCEVM's does, or, when {@code keepWhenGone}, keeps the body it had.
     */
    static void link(CallSites sites, CallSites.EntrySite entry, Version v, MethodType type, boolean keepWhenGone) {
        for (ClassModel.Member candidate : v.model().methods()) {
            if (isBody(candidate.name()) && candidate.descriptor().equals(entry.descriptor)
                    && candidate.is(Opcodes.ACC_STATIC) == entry.isStatic
                    && v.model().bodyHash(candidate).orElse(1L) == entry.bodyHash) {
                retarget(sites, entry, v, candidate, type);
                return;
            }
        }
        if (entry.from != null) {
            Optional<ClassModel.Member> edited = editedInPlace(entry.from, entry.fromName, v.model());
            if (edited.isPresent()) {
                if (edited.get().descriptor().equals(entry.descriptor) && edited.get().is(Opcodes.ACC_STATIC) == entry.isStatic) {
                    retarget(sites, entry, v, edited.get(), type);
                }
                // Else it now captures other variables: an object made before cannot run the new
                // body (it holds the old captures), and keeps the body it had.
                return;
            }
            Optional<ClassModel.Member> sameName = v.method(entry.fromName, entry.descriptor)
                    .filter(c -> c.is(Opcodes.ACC_STATIC) == entry.isStatic);
            if (sameName.isPresent() && !anotherLambdasBody(entry, v, sameName.get())) {
                retarget(sites, entry, v, sameName.get(), type);
                return;
            }
        }
        if (keepWhenGone) {
            return;
        }
        // Its own body is kept in mind: brought back (an undo), the lambda runs it again.
        sites.retarget(entry.site, CallSites.noSuchMethod(type, entry.owner.getName() + "." + entry.name + entry.descriptor));
    }

    /**
     * True when every lambda body of {@code from} is, in {@code to}, under the name it had (by
     * {@link #link}'s rules): then {@code to}'s bodies can replace {@code from}'s in the same class,
     * name for name, and no lambda object runs another's body, even for a moment.
     */
    static boolean keepsNames(ClassModel from, ClassModel to) {
        for (ClassModel.Member lambda : from.methods()) {
            if (!isBody(lambda.name())) {
                continue;
            }
            long body = from.bodyHash(lambda).orElse(1L);
            Optional<ClassModel.Member> same = to.methods().stream().filter(c -> isBody(c.name())
                    && c.descriptor().equals(lambda.descriptor()) && to.bodyHash(c).orElse(2L) == body).findFirst();
            if (same.isPresent()) {
                if (!same.get().name().equals(lambda.name())) {
                    return false;
                }
                continue;
            }
            Optional<ClassModel.Member> edited = editedInPlace(from, lambda.name(), to);
            if (edited.isPresent()) {
                if (!edited.get().name().equals(lambda.name()) || !edited.get().descriptor().equals(lambda.descriptor())) {
                    return false;
                }
                continue;
            }
            Optional<ClassModel.Member> sameName = to.methods().stream()
                    .filter(c -> c.name().equals(lambda.name()) && c.descriptor().equals(lambda.descriptor())).findFirst();
            if (sameName.isEmpty()) {
                return false; // its body is gone
            }
            long now = to.bodyHash(sameName.get()).orElse(3L);
            if (from.methods().stream().anyMatch(old -> isBody(old.name()) && !old.name().equals(lambda.name())
                    && from.bodyHash(old).orElse(4L) == now)) {
                return false; // the name now holds another lambda's body
            }
        }
        return true;
    }

    /**
     * The lambda of {@code to} that {@code name} of {@code from} became when its body was edited:
     * in the method both are written in, the lambdas whose bodies stayed are paired off; if as
     * many are left on each side, they pair in javac's order.
     */
    static Optional<ClassModel.Member> editedInPlace(ClassModel from, String name, ClassModel to) {
        String method = enclosing(name);
        List<ClassModel.Member> before = new ArrayList<>(lambdasOf(from, method));
        List<ClassModel.Member> after = new ArrayList<>(lambdasOf(to, method));
        for (ClassModel.Member old : List.copyOf(before)) {
            long body = from.bodyHash(old).orElse(1L);
            for (ClassModel.Member now : after) {
                if (to.bodyHash(now).orElse(2L) == body) {
                    before.remove(old);
                    after.remove(now);
                    break;
                }
            }
        }
        int at = -1;
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i).name().equals(name)) {
                at = i;
            }
        }
        return at < 0 || before.size() != after.size() ? Optional.empty() : Optional.of(after.get(at));
    }

    private static boolean anotherLambdasBody(CallSites.EntrySite entry, Version v, ClassModel.Member candidate) {
        long body = v.model().bodyHash(candidate).orElse(1L);
        return entry.from.methods().stream().anyMatch(old -> isBody(old.name())
                && !old.name().equals(entry.fromName) && entry.from.bodyHash(old).orElse(2L) == body);
    }

    /**
     * Whether a method holds a lambda's body: javac names it {@code lambda$run$3}, Kotlin (its
     * lambdas made by {@code invokedynamic}, the default since 2.0) {@code run$lambda$3}, or
     * {@code fmt$lambda$0} for a property's initializer.
     */
    static boolean isBody(String name) {
        return name.startsWith("lambda$") || name.contains(KOTLIN);
    }

    private static final String KOTLIN = "$lambda$";

    /** The method a lambda is written in, from the name of its body ({@code lambda$run$3}, {@code run$lambda$3}: {@code run}). */
    static String enclosing(String lambdaName) {
        if (!lambdaName.startsWith("lambda$") && lambdaName.contains(KOTLIN)) {
            return lambdaName.substring(0, lambdaName.lastIndexOf(KOTLIN));
        }
        int last = lambdaName.lastIndexOf('$');
        return last > "lambda$".length() ? lambdaName.substring("lambda$".length(), last) : "";
    }

    private static int number(String lambdaName) {
        try {
            return Integer.parseInt(lambdaName.substring(lambdaName.lastIndexOf('$') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The lambdas written in one method, in javac's order. */
    private static List<ClassModel.Member> lambdasOf(ClassModel model, String method) {
        return model.methods().stream().filter(m -> isBody(m.name()) && enclosing(m.name()).equals(method)
                && number(m.name()) >= 0).sorted(Comparator.comparingInt(m -> number(m.name()))).toList();
    }

    private static void retarget(CallSites sites, CallSites.EntrySite entry, Version v, ClassModel.Member lambda, MethodType type) {
        sites.retarget(entry.site, v.methods().get(lambda.name() + lambda.descriptor()).asType(type));
        entry.bodyHash = v.model().bodyHash(lambda).orElse(0L);
        entry.from = v.model();
        entry.fromName = lambda.name();
    }

}
