package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.ConstantPool;
import dev.hotswap.classfile.InvalidClassFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What a class from a watched folder becomes as it loads once the engine runs classes of its
 * loader (and, the same way, each time it is redefined, so the JVM sees the same schema).
 *
 * <ul>
 *   <li>A call to a member that a class under the engine gained by a swap goes through the
 *       engine ({@link CodeRewriter}); the loaded class does not have it.</li>
 *   <li>A nested class that its host's loaded {@code NestMembers} does not list (it was added by
 *       a swap) could not reach the host's private members, nor the host its: it leaves the nest
 *       (its {@code NestHost} is dropped), its own private members become package-private (the
 *       nest is one package), and its accesses to private members of the nest go through the
 *       engine's full-privilege lookup.</li>
 * </ul>
 */
final class LoadRewriter {
    /** What the engine knows of the classes of one loader. */
    interface Schemas {
        /** The schema the JVM runs for a class under the engine (as loaded; it never changes). */
        Optional<ClassModel> managed(String internalName);

        /** The newest version of a class under the engine. */
        Optional<ClassModel> current(String internalName);

        /** The schema of a class of this loader, under the engine or not, when it can be known without loading it. */
        Optional<ClassModel> schema(String internalName);

        boolean anyManaged();

        /** The carrier constructor of a class under the engine. */
        Optional<CodeRewriter.Carrier> carrier(String internalName);

        Set<String> managedNames();

        /** True for a loaded field of a class under the engine that a swap removed and a later one brought back. */
        default boolean retired(String internalName, String name, String descriptor, boolean isStatic) {
            return false;
        }
    }

    private LoadRewriter() {
    }

    /** True when the class's nest host is loaded with a {@code NestMembers} list that lacks it. */
    static boolean leavesNest(String name, Optional<String> nestHost, Schemas schemas) {
        return nestHost.flatMap(schemas::managed).filter(host -> !host.nestMembers().contains(name)).isPresent();
    }

    /** The bytes to run, or null when they stay as they are. */
    static byte[] rewrite(byte[] bytes, Schemas schemas) {
        return rewrite(bytes, ConstantPool.of(bytes), schemas);
    }

    /** As {@link #rewrite(byte[], Schemas)}, with the class file's constant pool read already. */
    static byte[] rewrite(byte[] bytes, ConstantPool pool, Schemas schemas) {
        if (!schemas.anyManaged()) {
            return null;
        }
        ClassReader reader = new ClassReader(bytes);
        if (reader.readUnsignedShort(6) < Opcodes.V1_7 || !pool.namesAny(schemas.managedNames())) {
            return null; // a class too old for invokedynamic, or one that names no class under the engine
        }
        ClassModel model;
        try {
            model = ClassModel.parse(bytes);
        } catch (InvalidClassFileException e) {
            return null; // the JVM will say what is wrong with it
        }
        boolean leaves = leavesNest(model.name(), model.nestHost(), schemas);
        boolean managed = schemas.managed(model.name()).isPresent();
        boolean isInterface = (model.access() & Opcodes.ACC_INTERFACE) != 0;
        List<String> problems = new ArrayList<>();
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        CodeRewriter.Loaded loaded = view(model.name(), schemas);
        // Reflection checks a member class against its outer class's InnerClasses, which cannot
        // list it either (IncompatibleClassChangeError from getSimpleName, a record's toString):
        // a member class that leaves the nest says it is local to its host instead.
        String[] memberOf = {null};
        boolean[] enclosed = {false};
        if (leaves) {
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visitOuterClass(String owner, String name, String descriptor) {
                    enclosed[0] = true;
                }

                @Override
                public void visitInnerClass(String name, String outerName, String innerName, int access) {
                    if (name.equals(model.name()) && outerName != null) {
                        memberOf[0] = outerName;
                    }
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        java.util.concurrent.atomic.AtomicReference<Map<String, String[]>> computed = new java.util.concurrent.atomic.AtomicReference<>();
        Supplier<Map<String, String[]>> messages = () -> computed.updateAndGet(m -> m != null ? m : NullMessages.of(bytes));
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visitNestHost(String nestHost) {
                if (!leaves) {
                    super.visitNestHost(nestHost);
                } else if (memberOf[0] != null && !enclosed[0]) {
                    super.visitOuterClass(memberOf[0], null, null);
                }
            }

            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
                boolean self = leaves && memberOf[0] != null && name.equals(model.name());
                super.visitInnerClass(name, self ? null : outerName, innerName, access);
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                return super.visitField(leaves ? open(access) : access, name, descriptor, signature, value);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                int flags = leaves && !isInterface ? open(access) : access;
                MethodVisitor mv = super.visitMethod(flags, name, descriptor, signature, exceptions);
                if (mv == null) {
                    return null;
                }
                if (managed || name.startsWith("<")) {
                    // A class under the engine runs its code in versions (which explain their own); a
                    // constructor keeps the JVM's message (no handler before its super call).
                    return new CodeRewriter(mv, model.name(), null, model, loaded, problems);
                }
                // The helpful NullPointerException messages that values from the engine would cut short.
                List<NullMessages.Range> ranges = new ArrayList<>();
                MethodVisitor rewritten = new CodeRewriter(new NullHandlers(mv, ranges, messages), model.name(), null,
                        model, loaded, problems);
                return new NullMessages.Marking(rewritten, name + descriptor, ranges);
            }
        }, 0);
        if (!problems.isEmpty()) {
            // Said by the engine's caller (atLoad), which lets the class load as compiled.
            throw new IllegalStateException(String.join("; ", problems));
        }
        return writer.toByteArray();
    }

    /**
     * True when a field kept by a swap has new modifiers that its loaded self forbids for this
     * access ({@link CodeRewriter.Loaded#fieldAccessChanged}).
     */
    static boolean fieldAccessChanged(ClassModel loaded, ClassModel newest, String accessor, String name,
                                      String descriptor, boolean isStatic, boolean write) {
        int before = fieldAccess(loaded, name, descriptor, isStatic);
        int after = fieldAccess(newest, name, descriptor, isStatic);
        if (before == -1 || after == -1 || before == after) {
            return false;
        }
        if (write && (before & Opcodes.ACC_FINAL) != 0 && (after & Opcodes.ACC_FINAL) == 0) {
            return true;
        }
        return !accessor.equals(loaded.name()) && visibility(before) < visibility(after);
    }

    /** Private 0, package 1, protected 2, public 3. */
    static int visibility(int access) {
        return (access & Opcodes.ACC_PUBLIC) != 0 ? 3 : (access & Opcodes.ACC_PROTECTED) != 0 ? 2
                : (access & Opcodes.ACC_PRIVATE) != 0 ? 0 : 1;
    }

    private static int fieldAccess(ClassModel model, String name, String descriptor, boolean isStatic) {
        for (ClassModel.Member f : model.fields()) {
            if (f.name().equals(name) && f.descriptor().equals(descriptor) && f.is(Opcodes.ACC_STATIC) == isStatic) {
                return f.access();
            }
        }
        return -1;
    }

    static boolean declares(ClassModel model, boolean field, String name, String descriptor, boolean isStatic) {
        return (field ? model.fields() : model.methods()).stream().anyMatch(x -> x.name().equals(name)
                && x.descriptor().equals(descriptor) && x.is(Opcodes.ACC_STATIC) == isStatic);
    }

    /** True when {@code self} left its nest at load and the member is private to another class of that nest. */
    static boolean privateInNest(ClassModel self, String owner, String name, String descriptor, boolean field,
                                 Schemas schemas) {
        if (owner.equals(self.name()) || !leavesNest(self.name(), self.nestHost(), schemas)
                || !nestOf(self.nestHost().get(), schemas).contains(owner)) {
            return false;
        }
        return schemas.schema(owner).map(m -> (field ? m.fields() : m.methods()).stream()
                .anyMatch(x -> x.name().equals(name) && x.descriptor().equals(descriptor) && x.is(Opcodes.ACC_PRIVATE)))
                .orElse(false);
    }

    private static int open(int access) {
        return access & ~Opcodes.ACC_PRIVATE;
    }

    /** The host and the members its loaded schema lists: the classes whose private members need the engine. */
    private static Set<String> nestOf(String host, Schemas schemas) {
        Set<String> nest = new java.util.HashSet<>(schemas.managed(host).map(ClassModel::nestMembers).orElse(List.of()));
        nest.add(host);
        return nest;
    }

    private static CodeRewriter.Loaded view(String self, Schemas schemas) {
        return new CodeRewriter.Loaded() {
            @Override
            public boolean isPublicInterface(String internalName) {
                return false; // asked only for code that goes into a hidden class
            }

            @Override
            public boolean isReloadable(String owner) {
                return schemas.managed(owner).isPresent();
            }

            @Override
            public boolean has(String owner, String name, String descriptor, boolean isStatic) {
                return owner.equals(self) || !added(owner, false, name, descriptor, isStatic);
            }

            @Override
            public boolean hasField(String owner, String name, String descriptor, boolean isStatic) {
                return owner.equals(self) || !added(owner, true, name, descriptor, isStatic);
            }

            @Override
            public boolean hasConstructor(String owner, String descriptor) {
                return owner.equals(self) || schemas.managed(owner).map(m -> declares(m, false, "<init>", descriptor, false))
                        .orElse(true);
            }

            @Override
            public Optional<CodeRewriter.Carrier> carrier(String owner) {
                return schemas.carrier(owner);
            }

            @Override
            public boolean removedField(String owner, String name, String descriptor, boolean isStatic) {
                return !owner.equals(self) && schemas.managed(owner).filter(m -> declares(m, true, name, descriptor, isStatic))
                        .isPresent() && schemas.current(owner).filter(c -> !declares(c, true, name, descriptor, isStatic))
                        .isPresent();
            }

            /**
             * True when a class under the engine, up from {@code owner}, has the member in its
             * newest version but not as loaded: a swap added it, and only the engine reaches it.
             */
            private boolean added(String owner, boolean field, String name, String descriptor, boolean isStatic) {
                for (String k = owner; k != null && !k.isEmpty(); ) {
                    Optional<ClassModel> loaded = schemas.managed(k);
                    if (loaded.isEmpty()) {
                        return false;
                    }
                    if (declares(loaded.get(), field, name, descriptor, isStatic)
                            && !(field && schemas.retired(k, name, descriptor, isStatic))) {
                        return false;
                    }
                    if (schemas.current(k).filter(c -> declares(c, field, name, descriptor, isStatic)).isPresent()) {
                        return true;
                    }
                    k = loaded.get().superName();
                }
                return false;
            }

            @Override
            public boolean privateInNest(ClassModel self, String owner, String name, String descriptor, boolean field) {
                return LoadRewriter.privateInNest(self, owner, name, descriptor, field, schemas);
            }

            @Override
            public boolean fieldAccessChanged(String accessor, String owner, String name, String descriptor,
                                              boolean isStatic, boolean write) {
                Optional<ClassModel> asLoaded = schemas.managed(owner);
                Optional<ClassModel> newest = schemas.current(owner);
                return asLoaded.isPresent() && newest.isPresent() && LoadRewriter.fieldAccessChanged(asLoaded.get(),
                        newest.get(), accessor, name, descriptor, isStatic, write);
            }
        };
    }
}
