package dev.hotswap.reload;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.InvalidClassFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Batches that come over JMX instead of from a build: class files named and handed over as bytes
 * ({@code reload}), or the bytes the last batch replaced ({@code rollback}). Each goes through the
 * same pipeline as a build's: its class files are written into the watched folder each class loads
 * from and handed to the reloader as one batch; a batch that does not go in leaves the folders as
 * they were. Runs on the reload thread, so it is one batch among the build's.
 */
final class Remote {
    private final Roots roots;
    private final RunningBytes running;
    private final LoadedIndex loaded;
    private final Reloader reloader;
    private final Reporter reporter;
    private final History history;
    private final Teller teller;

    Remote(Roots roots, RunningBytes running, LoadedIndex loaded, Reloader reloader, Reporter reporter, History history,
           Teller teller) {
        this.teller = teller;
        this.roots = roots;
        this.running = running;
        this.loaded = loaded;
        this.reloader = reloader;
        this.reporter = reporter;
        this.history = history;
    }

    /** Swaps {@code classes} (binary name to class file) as one batch; the outcome, or empty when every class runs those bytes. */
    Optional<ReloadOutcome> reload(Map<String, byte[]> classes) {
        List<Reason> refusals = new ArrayList<>();
        Map<Path, Optional<byte[]>> files = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(classes).entrySet()) {
            String name = e.getKey();
            byte[] bytes = e.getValue();
            Optional<String> badName = notABinaryName(name);
            if (badName.isPresent()) {
                refusals.add(new Reason(name, "", "is not a binary class name (" + badName.get() + "); send each class"
                        + " under the name its class file declares, as in com.example.Demo$Inner", Kind.UNREADABLE_CLASS_FILE));
                continue;
            }
            if (bytes == null || bytes.length == 0) {
                refusals.add(new Reason(name, "", "no class file was sent", Kind.UNREADABLE_CLASS_FILE));
                continue;
            }
            try {
                ClassModel model = ClassModel.parse(bytes);
                if (!model.name().replace('/', '.').equals(name)) {
                    refusals.add(new Reason(name, "", "the class file sent for " + name + " holds class "
                            + model.javaName(), Kind.UNREADABLE_CLASS_FILE));
                    continue;
                }
            } catch (InvalidClassFileException | RuntimeException ex) {
                refusals.add(new Reason(name, "", "the bytes sent are not a class file (" + ex.getMessage() + ")",
                        Kind.UNREADABLE_CLASS_FILE));
                continue;
            }
            if (JdkClasses.isJdk(name)) {
                refusals.add(new Reason(name, "", "is a JDK class; hotswap never replaces JDK classes", Kind.JDK_CLASS));
                continue;
            }
            Optional<Path> file = fileOf(name, refusals);
            file.ifPresent(f -> files.put(f, Optional.of(bytes)));
        }
        if (!refusals.isEmpty()) {
            ReloadOutcome.Refused refused = new ReloadOutcome.Refused(List.copyOf(new TreeSet<>(classes.keySet())), refusals);
            teller.tell(BatchResult.Done.told(refused, "nothing was applied"), BatchResult.Origin.JMX);
            return Optional.of(refused);
        }
        return swap(files, BatchResult.Origin.JMX);
    }

    /** Swaps back what the last batch that went in replaced. */
    Optional<ReloadOutcome> rollback() {
        Map<Path, Optional<byte[]>> before = history.lastReplaced();
        if (before.isEmpty()) {
            ReloadOutcome.Refused refused = new ReloadOutcome.Refused(List.of(), List.of(new Reason("", "",
                    "no batch went in in this session: nothing to roll back", Kind.NOTHING_TO_ROLL_BACK)));
            teller.tell(BatchResult.Done.told(refused, ""), BatchResult.Origin.ROLLBACK);
            return Optional.of(refused);
        }
        return swap(before, BatchResult.Origin.ROLLBACK);
    }

    /**
     * Writes the files (absent: deletes them), hands them to the reloader as one batch and waits
     * for its outcome; puts the folders back as they were when it did not go in.
     */
    private Optional<ReloadOutcome> swap(Map<Path, Optional<byte[]>> files, BatchResult.Origin origin) {
        Map<Path, Optional<byte[]>> previous = new LinkedHashMap<>();
        BatchResult.Done done;
        try {
            for (Map.Entry<Path, Optional<byte[]>> e : files.entrySet()) {
                previous.put(e.getKey(), read(e.getKey()));
                write(e.getKey(), e.getValue());
            }
            BatchResult result = reloader.run(Set.copyOf(files.keySet()));
            if (result instanceof BatchResult.Retry) {
                // Only a file that does not parse is waited for: these were parsed before they were written.
                result = reloader.run(Set.copyOf(files.keySet()));
            }
            done = result instanceof BatchResult.Done d ? d
                    : BatchResult.Done.told(failedToWrite(files, "a class file sent is still not complete after it was written",
                    Optional.empty()), "nothing was applied");
        } catch (IOException e) {
            done = BatchResult.Done.told(failedToWrite(files, "cannot write " + e.getMessage() + " into the watched folders ("
                    + e.getClass().getSimpleName() + ")", Optional.of(e)), "nothing was applied");
        }
        teller.tell(done, origin);
        ReloadOutcome outcome = done.outcome().orElse(null);
        if (!(outcome instanceof ReloadOutcome.Reloaded)) {
            // Nothing went in: the folders hold again what the program runs.
            previous.forEach((file, bytes) -> {
                try {
                    write(file, bytes);
                } catch (IOException e) {
                    reporter.problem("hotswap: cannot put back " + file + " (" + e + ")");
                }
            });
        }
        return Optional.ofNullable(outcome);
    }

    private ReloadOutcome.Failed failedToWrite(Map<Path, Optional<byte[]>> files, String why, Optional<Throwable> cause) {
        List<String> names = files.keySet().stream().map(f -> roots.rootOf(f).map(r -> Roots.expectedName(r, f).replace('/', '.'))
                .orElse(f.toString())).sorted().toList();
        return new ReloadOutcome.Failed(names, List.of(new Reason(names.size() == 1 ? names.get(0) : "", "", why,
                Kind.INTERNAL_ERROR)), cause);
    }

    /** The class file a class of this name loads from: where its loaded class came from, or where its nest's did. */
    private Optional<Path> fileOf(String name, List<Reason> refusals) {
        String relative = name.replace('.', '/') + ".class";
        for (String candidate : List.of(name, name.contains("$") ? name.substring(0, name.indexOf('$')) : name)) {
            for (Class<?> type : loaded.of(Set.of(candidate)).getOrDefault(candidate, List.of())) {
                if (dev.hotswap.structural.Engine.isVersion(type)) {
                    continue;
                }
                Optional<Path> location = running.location(type.getProtectionDomain());
                if (location.isEmpty()) {
                    refusals.add(new Reason(name, "", "is not from a file (its class loader defined it from bytes of its own),"
                            + " so not from this program's watched folders; change it where it is made, and restart",
                            Kind.NOT_FROM_WATCHED_FOLDER));
                    return Optional.empty();
                }
                Optional<Path> root = roots.rootOf(location.get()).filter(location.get()::equals);
                if (root.isPresent()) {
                    return Optional.of(root.get().resolve(relative));
                }
                refusals.add(new Reason(name, "", "is not in this program's watched folders (loaded from " + location.get() + ")",
                        Kind.NOT_FROM_WATCHED_FOLDER));
                return Optional.empty();
            }
        }
        for (Path root : roots.folders()) {
            if (Files.isRegularFile(root.resolve(relative))) {
                return Optional.of(root.resolve(relative));
            }
        }
        java.net.URL elsewhere = ClassLoader.getSystemResource(relative);
        if (elsewhere != null) {
            // Not loaded yet, but the program has it from a jar or another folder: a file here would shadow it.
            refusals.add(new Reason(name, "", "is not in this program's watched folders (it has it from " + elsewhere + ")",
                    Kind.NOT_FROM_WATCHED_FOLDER));
            return Optional.empty();
        }
        if (roots.folders().isEmpty()) {
            refusals.add(new Reason(name, "", "this program watches no folder", Kind.NOT_FROM_WATCHED_FOLDER));
            return Optional.empty();
        }
        return Optional.of(roots.folders().get(0).resolve(relative)); // a new class: beside the others
    }

    /**
     * Why {@code name} is not a binary class name hotswap can make a file path of, or empty: parts
     * between dots, none empty, with none of the characters the JVM forbids in a class name
     * ({@code / ; [}), no control character and no backslash. A name such as {@code .tmp.x} would
     * otherwise resolve outside the watched folder.
     */
    static Optional<String> notABinaryName(String name) {
        if (name.isEmpty()) {
            return Optional.of("it is empty");
        }
        if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return Optional.of("it has an empty part between dots");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ';' || c == '[' || c == '\\') {
                return Optional.of("it holds '" + c + "', which a class name may not");
            }
            if (Character.isISOControl(c)) {
                return Optional.of("it holds the control character U+" + String.format("%04X", (int) c));
            }
        }
        return Optional.empty();
    }

    private static Optional<byte[]> read(Path file) throws IOException {
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    /** Writes beside and moves in whole, so no reader meets half a file; absent bytes delete it. */
    private static void write(Path file, Optional<byte[]> bytes) throws IOException {
        if (bytes.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Files.createDirectories(file.getParent());
        Path draft = file.resolveSibling(file.getFileName() + ".hotswap-draft");
        Files.write(draft, bytes.get());
        Files.move(draft, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
