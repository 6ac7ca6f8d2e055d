package dev.hotswap.reload;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.ConstantPool;
import dev.hotswap.classfile.InvalidClassFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Class files of batches that were refused or failed, by class name: the program still runs
 * their previous versions. A later batch that names one of them, or is named by one, takes them
 * in again (transitively), so that what was compiled together goes in together: a compile the
 * build happened to write in two bursts cannot get half in (the second half compiled against a
 * refused first half). Reload thread only.
 */
final class HeldFiles {
    private final Map<Path, String> held = new LinkedHashMap<>();
    private final Consumer<String> detail;

    HeldFiles(Consumer<String> detail) {
        this.detail = detail;
    }

    /**
     * After a batch: its files are held if it was refused or failed, but for classes no compile
     * can make swappable (a JDK class, one loaded from elsewhere, a file at the wrong path), which
     * would hold back every later batch that names them; released otherwise.
     */
    void settle(List<Candidate> batch, boolean refused, Set<String> unswappable) {
        for (Candidate c : batch) {
            if (refused && !unswappable.contains(c.name())) {
                held.put(c.file(), c.model().name());
            } else {
                held.remove(c.file());
            }
        }
    }

    /**
     * The batch with the held class files it is related to , read again: a
     * held file that names a class of the batch or is named by one, and so on. A held file that
     * is gone or does not parse any more is dropped from what is held.
     */
    List<Candidate> join(List<Candidate> batch) {
        if (held.isEmpty()) {
            return batch;
        }
        List<Candidate> joined = new ArrayList<>(batch);
        Set<Path> files = new HashSet<>();
        batch.forEach(c -> files.add(c.file()));
        List<String> rejoined = new ArrayList<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<Path, String> h : new ArrayList<>(held.entrySet())) {
                if (files.contains(h.getKey()) || !related(h.getKey(), h.getValue(), joined)) {
                    continue;
                }
                try {
                    byte[] bytes = Files.readAllBytes(h.getKey());
                    Candidate c = new Candidate(h.getKey(), bytes, ClassModel.parse(bytes));
                    joined.add(c);
                    files.add(h.getKey());
                    rejoined.add(c.name());
                    grew = true;
                } catch (IOException | InvalidClassFileException e) {
                    held.remove(h.getKey()); // gone or rewritten halfway: its own event brings it back
                }
            }
        }
        if (!rejoined.isEmpty()) {
            rejoined.sort(null);
            detail.accept("hotswap: taken in again with this batch, compiled with it after an earlier refusal: "
                    + Names.shown(rejoined));
        }
        return joined;
    }

    /** True when the held class {@code name} (in {@code file}) and a class of {@code batch} name one another. */
    private static boolean related(Path file, String name, List<Candidate> batch) {
        for (Candidate c : batch) {
            if (mentions(c.bytes(), name)) {
                return true;
            }
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return false;
        }
        for (Candidate c : batch) {
            if (mentions(bytes, c.model().name())) {
                return true;
            }
        }
        return false;
    }

    /** True when the class file names {@code internalName}: as a class constant or in a descriptor or signature. */
    static boolean mentions(byte[] bytes, String internalName) {
        return ConstantPool.of(bytes).mentions(internalName);
    }
}
