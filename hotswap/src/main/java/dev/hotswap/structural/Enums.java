package dev.hotswap.structural;

import dev.hotswap.base.Fatal;
import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What an enum whose constants changed needs once its new static initializer has run (which
 * builds the values array from the constants, the kept ones being the same objects): ordinals
 * that follow the new order, the JDK's caches behind {@code valueOf} and {@code EnumSet} emptied,
 * and the switch tables compiled into the enum's users (arrays indexed by ordinal) computed again:
 * javac's {@code $SwitchMap$<enum>} fields, and Kotlin's {@code $EnumSwitchMapping$<n>} fields of a
 * {@code ...$WhenMappings} class, whose names do not say which enum they map: its static
 * initializer does.
 */
final class Enums {
    private static final String SWITCH_MAP = "$SwitchMap$";
    private static final String KOTLIN_HOLDER = "$WhenMappings";
    private static final String KOTLIN_MAP = "$EnumSwitchMapping$";

    private Enums() {
    }

    /** @return what could not be done, one warning per enum */
    static List<Problem> renumber(MethodHandles.Lookup trusted, List<Class<?>> enums) {
        List<Problem> warnings = new ArrayList<>();
        for (Class<?> type : enums) {
            try {
                Object[] values = values(trusted, type);
                MethodHandle ordinal = trusted.findSetter(Enum.class, "ordinal", int.class);
                for (int i = 0; i < values.length; i++) {
                    ordinal.invoke((Enum<?>) values[i], i);
                }
                // Class caches the constants (EnumSet, getEnumConstants) and a name map (valueOf).
                trusted.findSetter(Class.class, "enumConstants", Object[].class).invoke(type, (Object[]) null);
                trusted.findSetter(Class.class, "enumConstantDirectory", Map.class).invoke(type, (Map<?, ?>) null);
            } catch (Throwable e) {
                Fatal.rethrowIfFatal(e);
                warnings.add(new Problem(type.getName(), "", "its constants could not be renumbered ("
                        + Engine.rootCause(e) + "); ordinal(), valueOf and EnumSet may answer as before the swap: restart"
                        + " the program to be sure", Kind.ENUM_UPDATE_FAILED));
            }
        }
        return warnings;
    }

    private static Object[] values(MethodHandles.Lookup trusted, Class<?> type) throws Throwable {
        for (Field f : dev.hotswap.reflect.Mirror.fieldsAsLoaded(type)) {
            if (Modifier.isStatic(f.getModifiers()) && f.isSynthetic() && f.getType() == type.arrayType()) {
                return (Object[]) trusted.findStaticGetter(type, f.getName(), f.getType()).invoke();
            }
        }
        return (Object[]) trusted.findStatic(type, "values", MethodType.methodType(type.arrayType())).invoke();
    }

    /**
     * Runs again the static initializer of every loaded class that holds a switch table for one
     * of {@code enums} (its newest code: from this batch when it is in it). The old arrays are
     * also updated in place, for compiled code that folded the old array in as a constant.
     */
    static List<Problem> refreshSwitchTables(Engine engine, List<Class<?>> enums, Map<Class<?>, byte[]> batch,
                                                    CodeRewriter.Loaded loaded) {
        List<Problem> warnings = new ArrayList<>();
        Set<String> tables = new LinkedHashSet<>();
        enums.forEach(e -> tables.add(SWITCH_MAP + e.getName().replace('.', '$')));
        Set<String> internalNames = new LinkedHashSet<>();
        enums.forEach(e -> internalNames.add(e.getName().replace('.', '/')));
        for (Class<?> holder : engine.loadedClasses()) {
            if (holder.isArray() || holder.isHidden() || holder.getClassLoader() == null || !holder.getName().contains("$")
                    || !engine.isReloadable(holder)) {
                continue;
            }
            List<Field> fields = new ArrayList<>();
            boolean holds = false;
            boolean kotlin = false;
            for (Field f : declaredFields(holder)) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int[].class) {
                    if (f.getName().startsWith(SWITCH_MAP)) {
                        fields.add(f);
                        holds |= tables.contains(f.getName());
                    } else if (f.getName().startsWith(KOTLIN_MAP) && holder.getName().endsWith(KOTLIN_HOLDER)) {
                        fields.add(f);
                        kotlin = true;
                    }
                }
            }
            if (holds || kotlin) {
                Optional<byte[]> bytes = Optional.ofNullable(batch.get(holder)).or(() -> engine.runningBytes(holder));
                boolean javac = holds;
                bytes.filter(b -> javac || mapsAny(b, internalNames))
                        .flatMap(b -> rerun(engine, holder, b, fields, loaded)).ifPresent(warnings::add);
            }
        }
        return warnings;
    }

    /**
     * Whether a Kotlin {@code $WhenMappings} class maps one of these enums (internal names): its
     * static initializer reads their constants ({@code getstatic}) or their {@code values()}.
     */
    static boolean mapsAny(byte[] holder, Set<String> enums) {
        boolean[] found = {false};
        new ClassReader(holder).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if (!name.equals("<clinit>")) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                        found[0] |= enums.contains(owner);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                        found[0] |= enums.contains(owner);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return found[0];
    }

    private static Field[] declaredFields(Class<?> type) {
        try {
            return dev.hotswap.reflect.Mirror.fieldsAsLoaded(type);
        } catch (LinkageError e) {
            return new Field[0];
        }
    }

    private static Optional<Problem> rerun(Engine engine, Class<?> holder, byte[] bytes, List<Field> fields,
                                                  CodeRewriter.Loaded loaded) {
        try {
            ClassModel model = ClassModel.parse(bytes);
            Set<String> initialize = new LinkedHashSet<>();
            fields.forEach(f -> initialize.add(f.getName() + ":[I"));
            List<String> problems = new ArrayList<>();
            byte[] hidden = VersionWriter.write(bytes, model, model.name() + "$$hotswapTables", loaded, problems, initialize);
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            hidden = engine.bridged(holder.getClassLoader(), hidden);
            MethodHandles.Lookup host = engine.trusted().in(holder);
            MethodHandles.Lookup trusted = engine.trusted();
            List<int[]> before = new ArrayList<>();
            for (Field f : fields) {
                before.add((int[]) trusted.findStaticGetter(holder, f.getName(), int[].class).invoke());
            }
            MethodHandles.Lookup lookup = host.defineHiddenClass(hidden, true, MethodHandles.Lookup.ClassOption.NESTMATE);
            engine.definedHidden(lookup.lookupClass(), holder);
            lookup.findStatic(lookup.lookupClass(), VersionWriter.CLINIT, MethodType.methodType(void.class)).invoke();
            for (int i = 0; i < fields.size(); i++) {
                int[] now = (int[]) trusted.findStaticGetter(holder, fields.get(i).getName(), int[].class).invoke();
                int[] old = before.get(i);
                if (old != null && now != null && old != now) {
                    System.arraycopy(now, 0, old, 0, Math.min(old.length, now.length));
                    java.util.Arrays.fill(old, Math.min(old.length, now.length), old.length, 0);
                }
            }
            return Optional.empty();
        } catch (Throwable e) {
            Fatal.rethrowIfFatal(e);
            return Optional.of(new Problem(holder.getName(), "", "its switch tables over the changed enum could not"
                    + " be computed again (" + Engine.rootCause(e) + "); a switch there may take the wrong case:"
                    + " recompile it or restart the program", Kind.ENUM_UPDATE_FAILED));
        }
    }

    /** An enum's constants in declaration order. */
    static List<String> constants(ClassModel model) {
        return model.fields().stream().filter(f -> f.is(Opcodes.ACC_ENUM)).map(ClassModel.Member::name).toList();
    }

    /** The synthetic static array of its own constants that javac gives an enum ({@code $VALUES}). */
    static Set<String> valuesArrays(ClassModel model) {
        Set<String> result = new LinkedHashSet<>();
        model.fields().stream().filter(f -> f.is(Opcodes.ACC_STATIC) && f.is(Opcodes.ACC_SYNTHETIC)
                && f.descriptor().equals("[L" + model.name() + ";")).forEach(f -> result.add(f.name() + ":" + f.descriptor()));
        return result;
    }
}
