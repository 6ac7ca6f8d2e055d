package dev.hotswap.reload;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.InvalidClassFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a batch's class files: all of them parse (ready), or one does not yet (a build still
 * writing it: look again soon), or one has not for too long (give up: the batch is refused).
 * Reload thread only.
 */
final class BatchReader {
    /** How soon a batch holding a half-written class file is looked at again. */
    static final Duration RETRY_STEP = Duration.ofMillis(40);

    private final Roots roots;
    private final Duration giveUpAfter;
    private final Map<Path, Long> unreadableSince = new HashMap<>();
    private final ParsedFiles parsed;

    BatchReader(Roots roots, Duration giveUpAfter, ParsedFiles parsed) {
        this.roots = roots;
        this.giveUpAfter = giveUpAfter;
        this.parsed = parsed;
    }

    /** What reading a batch gave. */
    sealed interface Read {
        /** Every class file parsed. */
        record Ready(List<Candidate> candidates) implements Read {
        }

        /** {@code file} does not parse yet: look again after {@code retry}. */
        record Waiting(Path file, Duration retry) implements Read {
        }

        /** A file did not parse for too long: the batch is refused whole. */
        record GaveUp(ReloadOutcome.Refused outcome) implements Read {
        }
    }

    Read read(Set<Path> batch) {
        List<Path> files = new ArrayList<>(batch);
        files.sort(null);
        List<Candidate> candidates = new ArrayList<>();
        Map<Path, String> unreadable = new LinkedHashMap<>();
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            if (roots.rootOf(file).isEmpty() || fileName.equals("module-info.class") || fileName.equals("package-info.class")) {
                parsed.drop(file);
                continue;
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                parsed.drop(file);
                unreadableSince.remove(file); // deleted, or replaced by delete + create: its creation comes as an event
                continue;
            } catch (IOException e) {
                unreadable.put(file, "cannot be read (" + e + ")");
                continue;
            }
            try {
                Optional<ClassModel> known = parsed.take(file, bytes);
                candidates.add(new Candidate(file, bytes, known.isPresent() ? known.get() : ClassModel.parse(bytes)));
                unreadableSince.remove(file);
            } catch (InvalidClassFileException e) {
                unreadable.put(file, "is " + e.getMessage());
            }
        }
        return unreadable.isEmpty() ? new Read.Ready(candidates) : waitOrGiveUp(candidates, unreadable);
    }

    private Read waitOrGiveUp(List<Candidate> candidates, Map<Path, String> unreadable) {
        long now = System.nanoTime();
        long firstSeen = unreadable.keySet().stream()
                .mapToLong(f -> unreadableSince.computeIfAbsent(f, k -> now)).min().orElse(now);
        if (now - firstSeen < giveUpAfter.toNanos()) {
            return new Read.Waiting(unreadable.keySet().iterator().next(), RETRY_STEP);
        }
        unreadable.keySet().forEach(unreadableSince::remove);
        List<Reason> reasons = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        candidates.forEach(c -> classes.add(c.name()));
        unreadable.forEach((file, why) -> {
            String name = roots.rootOf(file).map(r -> Roots.expectedName(r, file).replace('/', '.')).orElse(file.toString());
            classes.add(name);
            reasons.add(new Reason(name, "", file + " " + why + " after " + giveUpAfter.toMillis() + " ms",
                    Kind.UNREADABLE_CLASS_FILE));
        });
        classes.sort(null);
        return new Read.GaveUp(new ReloadOutcome.Refused(classes, reasons));
    }
}
