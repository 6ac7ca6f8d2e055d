package dev.hotswap.reload;

import dev.hotswap.classfile.ClassModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The class files of a pending batch as the completeness check read and parsed them, handed to
 * the batch reader so that each file is parsed once on the way to a swap. The reader still reads
 * the file (a build may have written it again since) and takes the parse only for the very same
 * bytes: a time stamp could not tell two writes within one clock tick apart. The reader takes or
 * drops each file of its batch, so this holds no more than the files pending.
 */
final class ParsedFiles {
    private final Map<Path, Candidate> parsed = new HashMap<>();

    synchronized void put(Candidate candidate) {
        parsed.put(candidate.file(), candidate);
    }

    /** The model of {@code bytes}, read now from {@code file}, if the check parsed these bytes. */
    synchronized Optional<ClassModel> take(Path file, byte[] bytes) {
        Candidate known = parsed.remove(file);
        return known != null && Arrays.equals(known.bytes(), bytes) ? Optional.of(known.model()) : Optional.empty();
    }

    /** A file of a batch that is not read after all (deleted, or not a class to swap). */
    synchronized void drop(Path file) {
        parsed.remove(file);
    }

    synchronized int size() {
        return parsed.size();
    }
}
