package dev.hotswap.reload;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.ConstantPool;
import dev.hotswap.classfile.InvalidClassFileException;
import dev.hotswap.watch.Debouncer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Whether the class files a build has written so far are a whole compile, as far as they can
 * tell: every one parses (none is half-written), and every class, field and method their code
 * names in the watched folders is there — in the pending files themselves, or in the class files
 * already in the folders (a compile that adds a method and its caller is only complete once both
 * are written). What lies outside the watched folders (the JDK, libraries) is taken as there. A
 * build that writes a class file naming nothing new is complete with that file alone.
 */
final class Completeness implements Debouncer.Completion {
    /** What one class file declares and names, read once per size and time stamp. */
    private record Shape(long size, long modified, String name, String superName, List<String> interfaces,
                         Set<String> members, Set<ConstantPool.MemberRef> references, Set<String> classes) {
    }

    private final Roots roots;
    private final ParsedFiles parsed;
    private final Map<Path, Shape> shapes = new HashMap<>();
    private final Map<String, Optional<Shape>> outside = new HashMap<>();

    Completeness(Roots roots) {
        this(roots, new ParsedFiles());
    }

    /** @param parsed where the pending class files go once parsed whole, for the batch reader */
    Completeness(Roots roots, ParsedFiles parsed) {
        this.roots = roots;
        this.parsed = parsed;
    }

    @Override
    public synchronized boolean isComplete(Set<Path> files) {
        Map<String, Shape> batch = new HashMap<>();
        for (Path file : files) {
            if (!file.toString().endsWith(".class")) {
                continue; // a configuration file is whole once written
            }
            if (!Files.exists(file)) {
                continue; // deleted: nothing to read
            }
            Optional<Shape> shape = shape(file, true);
            if (shape.isEmpty()) {
                return false; // does not parse (yet): half-written
            }
            batch.put(shape.get().name(), shape.get());
        }
        for (Shape shape : batch.values()) {
            for (String type : shape.classes()) {
                if (!type.startsWith("[") && watched(type) && find(type, batch).isEmpty()) {
                    return false; // a class of the watched folders not written yet
                }
            }
            for (ConstantPool.MemberRef ref : shape.references()) {
                if (!ref.owner().startsWith("[") && !declares(ref.owner(), ref.name() + ref.descriptor(), batch, new HashSet<>())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Parses the class files just written, while the settle time runs: the check then finds them done. */
    @Override
    public synchronized void prepare(Set<Path> files) {
        for (Path file : files) {
            if (file.toString().endsWith(".class") && Files.isRegularFile(file)) {
                shape(file, true); // a half-written file fails here and is read again by the check
            }
        }
    }

    /**
     * Whether {@code type} or a supertype has the member: looked up in the pending files, the
     * watched folders, then the class path and the JDK (read once); a class found nowhere is taken
     * to have it unless it belongs to the watched folders (then it is not written yet).
     */
    private boolean declares(String type, String member, Map<String, Shape> batch, Set<String> seen) {
        if (!seen.add(type)) {
            return false;
        }
        Optional<Shape> shape = find(type, batch);
        if (shape.isEmpty()) {
            shape = outside(type);
            if (shape.isEmpty()) {
                return !watched(type);
            }
        }
        if (shape.get().members().contains(member)) {
            return true;
        }
        List<String> supertypes = new ArrayList<>(shape.get().interfaces());
        if (shape.get().superName() != null) {
            supertypes.add(0, shape.get().superName());
        }
        for (String supertype : supertypes) {
            if (declares(supertype, member, batch, seen)) {
                return true;
            }
        }
        return false;
    }

    /** A class of the class path or the JDK, as the system class loader finds its class file; read once. */
    private Optional<Shape> outside(String type) {
        return outside.computeIfAbsent(type, t -> {
            try (java.io.InputStream in = ClassLoader.getSystemResourceAsStream(t + ".class")) {
                return in == null ? Optional.empty() : parse(in.readAllBytes(), -1, 0);
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private Optional<Shape> find(String type, Map<String, Shape> batch) {
        Shape pending = batch.get(type);
        if (pending != null) {
            return Optional.of(pending);
        }
        for (Path root : roots.folders()) {
            Path file = root.resolve(type + ".class");
            if (Files.isRegularFile(file)) {
                return shape(file, false);
            }
        }
        return Optional.empty();
    }

    /** A class of the watched folders: its package's folder is in one of them. */
    private boolean watched(String type) {
        int slash = type.lastIndexOf('/');
        for (Path root : roots.folders()) {
            if (slash < 0 ? Files.isRegularFile(root.resolve(type + ".class")) : Files.isDirectory(root.resolve(type.substring(0, slash)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param pending a file of the batch: parsed whole, as the batch reader would, and handed to
     *                it; another file of the folders is only looked at for what it declares
     */
    private Optional<Shape> shape(Path file, boolean pending) {
        BasicFileAttributes attributes;
        byte[] bytes;
        long modified;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Shape known = shapes.get(file);
            modified = attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            if (known != null && known.size() == attributes.size() && known.modified() == modified) {
                return Optional.of(known);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        // A file that grew while read is not remembered: the next look reads it again.
        long size = bytes.length == attributes.size() ? attributes.size() : -1;
        Optional<Shape> shape = pending ? parseWhole(file, bytes, size, modified) : Optional.empty();
        if (shape.isEmpty()) {
            shape = parse(bytes, size, modified);
        }
        shape.ifPresent(s -> shapes.put(file, s));
        return shape;
    }

    /** A pending file: its model, which the batch reader takes instead of parsing the same bytes again. */
    private Optional<Shape> parseWhole(Path file, byte[] bytes, long size, long modified) {
        ClassModel model;
        try {
            model = ClassModel.parse(bytes);
        } catch (InvalidClassFileException | RuntimeException e) {
            return Optional.empty(); // the lighter parse decides, as before; the reader reports what is wrong
        }
        Optional<ConstantPool> pool = ConstantPool.read(bytes);
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        parsed.put(new Candidate(file, bytes, model));
        Set<String> members = new HashSet<>();
        model.fields().forEach(f -> members.add(f.name() + f.descriptor()));
        model.methods().forEach(m -> members.add(m.name() + m.descriptor()));
        return Optional.of(new Shape(size, modified, model.name(), model.superName().isEmpty() ? null : model.superName(),
                model.interfaces(), Set.copyOf(members), pool.get().members(), pool.get().classes()));
    }

    private static Optional<Shape> parse(byte[] bytes, long size, long modified) {
        try {
            Set<String> members = new HashSet<>();
            String[] header = new String[2];
            List<String> interfaces = new ArrayList<>();
            new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visit(int version, int access, String name, String signature, String superName, String[] ifaces) {
                    header[0] = name;
                    header[1] = superName;
                    if (ifaces != null) {
                        interfaces.addAll(List.of(ifaces));
                    }
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                    members.add(name + descriptor);
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    members.add(name + descriptor);
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            Optional<ConstantPool> pool = ConstantPool.read(bytes);
            if (pool.isEmpty() || header[0] == null) {
                return Optional.empty();
            }
            return Optional.of(new Shape(size, modified, header[0], header[1], List.copyOf(interfaces), Set.copyOf(members),
                    pool.get().members(), pool.get().classes()));
        } catch (RuntimeException e) {
            return Optional.empty(); // ASM on a truncated or garbled file
        }
    }
}
