package dev.hotswap.dev;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * Dev mode's incremental build: which sources changed since the last round (their content, not
 * only their time stamp), compiled together in one javac run, then the sources whose compile
 * depends on a class whose shape ({@link Abi}) changed; class files written and resources copied
 * into the output folder only once the round compiled. A round's files are one batch: all its
 * class files, those it deleted, and the resources it copied. What compiled in a round that then
 * failed (a dependent broken by a signature change) is held back and goes with the next round
 * that compiles, so the program never runs half of an edit. Not thread-safe: one thread rounds.
 */
final class Build {
    /** What one round did. */
    sealed interface Round {
        /** No source or resource changed. */
        record Nothing() implements Round {
        }

        /**
         * Compiled (or only resources changed): {@code files} are the batch to swap.
         *
         * @param compiled how many sources javac compiled, dependents included
         * @param dependents how many of those were compiled only because a class they use changed shape
         */
        record Compiled(Set<Path> files, int compiled, int dependents, long millis) implements Round {
            public Compiled {
                files = Set.copyOf(files);
            }
        }

        /** javac reported errors (printed already); nothing of the round was written. */
        record Failed(Set<Path> sources) implements Round {
            public Failed {
                sources = Set.copyOf(sources);
            }
        }
    }

    /** A file's size, time stamp and content checksum: a save that rewrote the same text is no change. */
    private record Stamp(long size, long modified, long checksum) {
        boolean sameFile(long otherSize, long otherModified) {
            return size == otherSize && modified == otherModified;
        }
    }

    /** A source file as last compiled: its stamp and the classes it gave. */
    private record Source(Stamp stamp, Set<String> classes) {
    }

    private final DevSettings settings;
    private final Compiler compiler;
    private final Writer diagnostics;
    private final Map<Path, Source> sources = new HashMap<>();
    private final Map<String, Abi> abis = new HashMap<>();
    private final Map<Path, Stamp> resources = new HashMap<>();
    /** Sources whose last compile failed: compiled again in every round until they compile. */
    private final Set<Path> failed = new LinkedHashSet<>();
    /** Files written or deleted by rounds that went on to fail: they go with the next batch. */
    private final Set<Path> heldBack = new LinkedHashSet<>();

    Build(DevSettings settings, Compiler compiler, Writer diagnostics) {
        this.settings = settings;
        this.compiler = compiler;
        this.diagnostics = diagnostics;
    }

    /**
     * Looks at every source and resource, compiles what changed and what depends on it.
     *
     * @param reported files a watcher reported: read even when their size and time stamp look
     *                 unchanged (a file system stamps with a coarse clock; two saves may share a stamp)
     */
    Round next(Set<Path> reported) throws IOException {
        long started = System.nanoTime();
        Map<Path, long[]> now = scan(settings.sources(), true);
        Set<Path> changed = new TreeSet<>();
        Map<Path, Stamp> stamps = new HashMap<>();
        for (Map.Entry<Path, long[]> e : now.entrySet()) {
            Source known = sources.get(e.getKey());
            if (known != null && known.stamp.sameFile(e.getValue()[0], e.getValue()[1]) && !reported.contains(e.getKey())) {
                continue;
            }
            Stamp stamp = stamp(e.getKey(), e.getValue());
            stamps.put(e.getKey(), stamp);
            if (known == null || known.stamp.checksum() != stamp.checksum()) {
                changed.add(e.getKey());
            }
        }
        Set<Path> deleted = new TreeSet<>(sources.keySet());
        deleted.removeAll(now.keySet());
        failed.retainAll(now.keySet());
        Set<Path> toCompile = new TreeSet<>(changed);
        toCompile.addAll(failed);
        // Stamps of files that did not change in content are taken now: a touch is not looked at again.
        stamps.forEach((file, stamp) -> {
            if (!changed.contains(file)) {
                sources.put(file, new Source(stamp, sources.get(file).classes()));
            }
        });
        if (toCompile.isEmpty() && deleted.isEmpty()) {
            Set<Path> copied = syncResources(reported);
            return copied.isEmpty() ? new Round.Nothing() : batch(copied, 0, 0, started);
        }
        Compiler.Result first = compiler.compile(toCompile, diagnostics);
        if (!first.succeeded()) {
            failed.addAll(toCompile);
            return new Round.Failed(toCompile);
        }
        Set<String> reshaped = new HashSet<>();
        Set<String> constantsChanged = new HashSet<>();
        Set<Path> written = write(first.outputs(), toCompile, stamps, reshaped, constantsChanged);
        for (Path gone : deleted) {
            for (String type : sources.remove(gone).classes()) {
                reshaped.add(type);
                constantsChanged.add(type);
                abis.remove(type);
                written.add(classFile(type));
                Files.deleteIfExists(classFile(type));
            }
        }
        failed.removeAll(toCompile);
        heldBack.addAll(written);

        Set<Path> dependents = dependents(reshaped, constantsChanged, toCompile);
        if (!dependents.isEmpty()) {
            Compiler.Result second = compiler.compile(dependents, diagnostics);
            if (!second.succeeded()) {
                failed.addAll(dependents);
                return new Round.Failed(dependents);
            }
            heldBack.addAll(write(second.outputs(), dependents, Map.of(), new HashSet<>(), new HashSet<>()));
        }
        // Resources only once the code compiled: a failed round changes nothing the program reads.
        return batch(syncResources(reported), toCompile.size() + dependents.size(), dependents.size(), started);
    }

    private Round batch(Set<Path> more, int compiled, int dependents, long started) {
        Set<Path> files = new LinkedHashSet<>(heldBack);
        files.addAll(more);
        heldBack.clear();
        return new Round.Compiled(files, compiled, dependents, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Writes a compile's class files and deletes those its sources no longer give; records each
     * class's shape, naming in {@code reshaped} those whose shape changed.
     */
    private Set<Path> write(List<Compiler.Output> outputs, Collection<Path> compiled, Map<Path, Stamp> stamps,
                            Set<String> reshaped, Set<String> constantsChanged) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        Map<Path, Set<String>> given = new LinkedHashMap<>();
        compiled.forEach(source -> given.put(source, new LinkedHashSet<>()));
        for (Compiler.Output output : outputs) {
            Abi abi = Abi.of(output.bytes());
            Abi before = abis.put(output.internalName(), abi);
            if (abi.differsFrom(before)) {
                reshaped.add(output.internalName());
            }
            if (abi.constantsDifferFrom(before)) {
                constantsChanged.add(output.internalName());
            }
            Path file = classFile(output.internalName());
            Files.createDirectories(file.getParent());
            Files.write(file, output.bytes());
            files.add(file);
            if (output.source() != null) {
                given.computeIfAbsent(output.source().toAbsolutePath().normalize(), s -> new LinkedHashSet<>())
                        .add(output.internalName());
            }
        }
        for (Map.Entry<Path, Set<String>> e : given.entrySet()) {
            Source before = sources.get(e.getKey());
            if (before != null) {
                for (String gone : before.classes()) {
                    if (!e.getValue().contains(gone)) {
                        reshaped.add(gone);
                        constantsChanged.add(gone);
                        abis.remove(gone);
                        Path file = classFile(gone);
                        Files.deleteIfExists(file);
                        files.add(file);
                    }
                }
            }
            Stamp stamp = stamps.get(e.getKey());
            if (stamp == null) {
                stamp = before != null ? before.stamp() : stamp(e.getKey(), null);
            }
            sources.put(e.getKey(), new Source(stamp, Set.copyOf(e.getValue())));
        }
        return files;
    }

    /**
     * The sources, other than those just compiled, whose classes name a class that changed shape;
     * for a changed constant, also those whose text names the class (javac copied the value in and
     * left no reference behind).
     */
    private Set<Path> dependents(Set<String> reshaped, Set<String> constantsChanged, Set<Path> compiled) throws IOException {
        Set<Path> dependents = new TreeSet<>();
        if (reshaped.isEmpty()) {
            return dependents;
        }
        Set<String> simpleNames = new HashSet<>();
        constantsChanged.forEach(type -> simpleNames.add(type.substring(Math.max(type.lastIndexOf('/'), type.lastIndexOf('$')) + 1)));
        for (Map.Entry<Path, Source> e : sources.entrySet()) {
            if (compiled.contains(e.getKey())) {
                continue;
            }
            boolean uses = e.getValue().classes().stream().map(abis::get)
                    .anyMatch(abi -> abi != null && abi.references().stream().anyMatch(reshaped::contains));
            if (!uses && !simpleNames.isEmpty()) {
                String text = Files.readString(e.getKey());
                uses = simpleNames.stream().anyMatch(text::contains);
            }
            if (uses) {
                dependents.add(e.getKey());
            }
        }
        return dependents;
    }

    /** Copies new and changed resources into the output folder and deletes those gone; the output files touched. */
    private Set<Path> syncResources(Set<Path> reported) throws IOException {
        Set<Path> touched = new LinkedHashSet<>();
        Map<Path, long[]> now = scan(settings.resources(), false);
        for (Map.Entry<Path, long[]> e : now.entrySet()) {
            Stamp known = resources.get(e.getKey());
            if (known != null && known.sameFile(e.getValue()[0], e.getValue()[1]) && !reported.contains(e.getKey())) {
                continue;
            }
            Stamp stamp = stamp(e.getKey(), e.getValue());
            resources.put(e.getKey(), stamp);
            if (known == null || known.checksum() != stamp.checksum()) {
                Path target = outputOf(e.getKey());
                Files.createDirectories(target.getParent());
                Files.copy(e.getKey(), target, StandardCopyOption.REPLACE_EXISTING);
                touched.add(target);
            }
        }
        for (Path gone : new ArrayList<>(resources.keySet())) {
            if (!now.containsKey(gone)) {
                resources.remove(gone);
                Path target = outputOf(gone);
                Files.deleteIfExists(target);
                touched.add(target);
            }
        }
        return touched;
    }

    /** Where a resource goes: its path below its resource folder, below the output folder. */
    private Path outputOf(Path resource) {
        for (Path root : settings.resources()) {
            if (resource.startsWith(root)) {
                return settings.out().resolve(root.relativize(resource).toString());
            }
        }
        throw new IllegalArgumentException(resource + " is in no resource folder");
    }

    private Path classFile(String internalName) {
        return settings.out().resolve(internalName + ".class");
    }

    /** Every file below {@code roots} ({@code .java} files only, for sources) with its size and time stamp. */
    private static Map<Path, long[]> scan(List<Path> roots, boolean javaOnly) throws IOException {
        Map<Path, long[]> files = new HashMap<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (var walk = Files.walk(root)) {
                walk.forEach(file -> {
                    String name = file.getFileName().toString();
                    if (javaOnly ? !name.endsWith(".java") : name.startsWith(".")) {
                        return;
                    }
                    try {
                        var a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
                        if (a.isRegularFile()) {
                            files.put(file.toAbsolutePath().normalize(), new long[] {a.size(), a.lastModifiedTime().toMillis()});
                        }
                    } catch (IOException e) {
                        // gone while we walked: the next round sees it as deleted
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                // a folder went away while walked: the next event brings a new round
            }
        }
        return files;
    }

    private static Stamp stamp(Path file, long[] sizeAndTime) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            bytes = new byte[0];
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return new Stamp(sizeAndTime == null ? bytes.length : sizeAndTime[0], sizeAndTime == null ? 0 : sizeAndTime[1],
                crc.getValue());
    }
}
