package dev.hotswap.structural;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.classfile.Change;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.Classifier;
import dev.hotswap.classfile.InvalidClassFileException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Which changes the engine takes, measured against the class as loaded (whose schema never
 * changes), and which unchanged classes a batch must take along (ancestors declaring a method a
 * new override overrides). Pure but for reading the loaded classes.
 */
final class Policy {
    private static final String LOADER_HINT = "structural swaps need hotswap's classes visible from the class's loader"
            + " (a loader whose parents reach the application class loader, where the agent is); a change to method"
            + " bodies only still swaps";

    private final Engine engine;
    private final Registry registry;

    Policy(Engine engine, Registry registry) {
        this.engine = engine;
        this.registry = registry;
    }

    /** The kind a reason about a change carries. */
    static Kind kind(Change.Kind change) {
        return Kind.valueOf(change.name());
    }

    /**
     * True when a class's new modifiers only add {@code final} or {@code abstract}: nothing that
     * runs depends on them (javac saw to it that no subclass or instance is made). Dropping them,
     * or changing visibility, would need the loaded class to allow what it forbids.
     */
    static boolean classModifiersSwappable(int before, int after) {
        int relevant = Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE
                | Opcodes.ACC_ANNOTATION | Opcodes.ACC_ENUM | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_MODULE;
        int changed = (before ^ after) & relevant;
        int added = changed & after;
        return changed == added && (added & ~(Opcodes.ACC_FINAL | Opcodes.ACC_ABSTRACT)) == 0
                && (before & Opcodes.ACC_INTERFACE) == 0;
    }

    /**
     * True when a field's new modifiers can be honoured: by the loaded field for visibility,
     * {@code final}, {@code transient} and {@code volatile} dropped; a field made static or
     * instance is another field (new storage). Not {@code volatile} added to the same field
     * (every access as loaded would stay plain).
     */
    static boolean fieldModifiersSwappable(ClassModel loaded, ClassModel next, String name) {
        for (ClassModel.Member before : loaded.fields()) {
            for (ClassModel.Member after : next.fields()) {
                if (before.name().equals(name) && after.name().equals(name) && before.descriptor().equals(after.descriptor())) {
                    int changed = before.access() ^ after.access();
                    boolean volatileAdded = after.is(Opcodes.ACC_VOLATILE) && !before.is(Opcodes.ACC_VOLATILE);
                    // static <-> instance: another field (side storage), the loaded one left unused, as a type change.
                    return (changed & (Opcodes.ACC_ENUM | Opcodes.ACC_SYNTHETIC)) == 0
                            && ((changed & Opcodes.ACC_STATIC) != 0 || !volatileAdded);
                }
            }
        }
        return false;
    }

    /**
     * What keeps the engine from taking {@code next} for {@code type}, one phrase each; empty
     * when it can. Measured against the class as loaded, whose schema never changes.
     */
    List<Problem> unsupported(Class<?> type, ClassModel running, ClassModel next) {
        Managed m = registry.get(type);
        ClassModel loaded = m != null ? m.loaded : running;
        String name = type.getName();
        List<Problem> problems = new ArrayList<>();
        for (Change change : Classifier.diff(loaded, next)) {
            boolean supported = switch (change.kind()) {
                // Constructors included: an added one runs in a carrier constructor (TrampolineWriter).
                case METHOD_ADDED, METHOD_REMOVED, METHOD_SIGNATURE_CHANGED, METHOD_MODIFIERS_CHANGED,
                        LAMBDA_ADDED, LAMBDA_REMOVED, LAMBDAS_RENUMBERED -> true;
                // Added fields live in side storage; a removed one stays in the object, unused by new code.
                case FIELD_ADDED, FIELD_REMOVED, FIELD_TYPE_CHANGED, FIELDS_REORDERED -> true;
                // The field stays as loaded; accesses its loaded modifiers forbid go through the engine.
                case FIELD_MODIFIERS_CHANGED -> fieldModifiersSwappable(loaded, next, change.member());
                // The class keeps its loaded flags: only a promise that changes nothing for what runs.
                case CLASS_MODIFIERS_CHANGED -> classModifiersSwappable(loaded.access(), next.access());
                // The loaded NestMembers stay; a nested class added later leaves the nest as it loads.
                case NEST_MEMBERS_CHANGED -> true;
                // A sealed class of the watched folders loads without its list (Unsealed): a subclass may come.
                case PERMITTED_SUBCLASSES_CHANGED -> !dev.hotswap.reflect.Mirror.sealedAsLoaded(type);
                // The new static initializer makes the added constants; see Enums.
                case ENUM_CONSTANT_ADDED, ENUM_CONSTANT_REMOVED -> true;
                // The loaded Record attribute stays; the components are fields, methods and a constructor
                // like others, and reflection answers with the newest components (Mirror).
                case RECORD_COMPONENTS_CHANGED -> true;
                default -> false;
            };
            if (!supported) {
                problems.add(new Problem(name, change.member(), change.description(), "", kind(change.kind()),
                        change.oldDescriptor(), change.newDescriptor()));
            }
        }
        for (ClassModel.Member method : next.methods()) {
            if (method.is(Opcodes.ACC_NATIVE) && loaded.methods().stream().noneMatch(o -> o.name().equals(method.name())
                    && o.descriptor().equals(method.descriptor()) && o.is(Opcodes.ACC_NATIVE))) {
                problems.add(new Problem(name, Classifier.methodName(method),
                        "native method " + Classifier.methodName(method) + " added", "", Kind.UNSUPPORTED_CHANGE, "",
                        method.descriptor()));
            }
            if (!method.is(Opcodes.ACC_STATIC) && VersionWriter.belongsInHidden(method)) {
                String hidden = VersionWriter.hiddenDescriptor(next.name(), method);
                if (next.methods().stream().anyMatch(o -> o.is(Opcodes.ACC_STATIC) && o.name().equals(method.name())
                        && o.descriptor().equals(hidden))) {
                    problems.add(new Problem(name, Classifier.methodName(method), "method "
                            + Classifier.methodName(method) + " and a static twin taking the object first", "",
                            Kind.UNSUPPORTED_CHANGE, "", method.descriptor()));
                }
            }
        }
        if (!Bridges.possible(type.getClassLoader())) {
            // A loader that cannot see hotswap is bridged, but only to an engine in the system class loader.
            problems.add(new Problem(name, "", "its class loader (" + type.getClassLoader()
                    + ") cannot see hotswap's classes, and hotswap is not in the system class loader", LOADER_HINT,
                    Kind.NOT_MODIFIABLE, "", ""));
        }
        return problems;
    }

    /**
     * An override added in a new version is only reached if calls through the overridden method
     * dispatch on the receiver: the class declaring it must have entries too. Such ancestors join
     * the batch unchanged; an ancestor hotswap may not change (a JDK class) refuses the batch.
     */
    List<Engine.Structural> withAncestors(List<Engine.Structural> requested, List<Problem> problems) {
        List<Engine.Structural> all = new ArrayList<>(requested);
        Set<Class<?>> included = new HashSet<>();
        requested.forEach(s -> included.add(s.type()));
        for (Engine.Structural s : requested) {
            ClassModel loaded = registry.of(s.type()).map(m -> m.loaded).orElse(s.running());
            Set<String> loadedMembers = CallSites.instanceMembers(loaded);
            for (String member : CallSites.instanceMembers(s.next())) {
                if (loadedMembers.contains(member)) {
                    continue;
                }
                int paren = member.indexOf('(');
                String name = member.substring(0, paren);
                String descriptor = member.substring(paren);
                if (declaresInstance(s.type(), name, descriptor)) {
                    continue; // planted at load (Catchers): the class has its own entry for it
                }
                for (Class<?> k = s.type().getSuperclass(); k != null; k = k.getSuperclass()) {
                    if (!declaresInstance(k, name, descriptor)) {
                        continue;
                    }
                    if (registry.manages(k) || included.contains(k)) {
                        break;
                    }
                    Optional<byte[]> bytes = engine.isReloadable(k) ? engine.runningBytes(k) : Optional.empty();
                    Optional<ClassModel> model = bytes.flatMap(Policy::parse);
                    if (model.isEmpty()) {
                        String method = name + descriptor.substring(0, descriptor.indexOf(')') + 1);
                        problems.add(new Problem(s.type().getName(), method, "method " + method + " now overrides "
                                + k.getName() + "." + name + ", a class hotswap cannot change", "",
                                Kind.UNSUPPORTED_CHANGE, "", descriptor));
                        break;
                    }
                    all.add(new Engine.Structural(k, bytes.get(), model.get(), bytes.get(), model.get()));
                    included.add(k);
                    break;
                }
            }
        }
        return all;
    }

    private static boolean declaresInstance(Class<?> k, String name, String descriptor) {
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(k)) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && !Modifier.isStatic(method.getModifiers()) && !Modifier.isPrivate(method.getModifiers())) {
                return true;
            }
        }
        return false;
    }

    static Optional<ClassModel> parse(byte[] bytes) {
        try {
            return Optional.of(ClassModel.parse(bytes));
        } catch (InvalidClassFileException e) {
            return Optional.empty();
        }
    }
}
