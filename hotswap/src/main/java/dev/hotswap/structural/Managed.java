package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.util.List;
import org.objectweb.asm.Opcodes;

/**
 * One class under the engine: its schema as loaded, which never changes, and its newest version.
 * Fields other than the loaded ones change only when a batch is published ({@link Transaction}),
 * under the engine's lock.
 */
final class Managed {
    final Class<?> type;
    final byte[] loadedBytes;
    final ClassModel loaded;
    /** The version holding the bodies as loaded (what runs until the first swap of the class went in). */
    Version original;
    volatile Version current;
    /** The version whose constructors the class's trampoline was last written for. */
    ClassModel constructorsFrom;
    /** The loaded constructor that also runs added ones, the most accessible. */
    final CodeRewriter.Carrier carrier;
    /** Constructors swaps added, in order of arrival: their numbers never change. */
    volatile List<String> addedConstructors = List.of();
    /** Body swaps that redefined {@link #current}'s class in place since it was made ({@link Transaction}). */
    int inPlaceSwaps;
    /** The class file (as compiled) of {@link #current}; null until the first swap went in. */
    volatile byte[] currentBytes;
    /**
     * How many times each field ({@link #fieldKey}) came into a version that did not have it: a
     * field removed and added back is a new field (0, null, false for every object, as DCEVM
     * and a fresh start give), with storage of its own; a loaded field that came back is never
     * the loaded one again.
     */
    volatile java.util.Map<String, Integer> fieldEpochs = java.util.Map.of();

    static String fieldKey(String name, String descriptor, boolean isStatic) {
        return name + ":" + descriptor + (isStatic ? ":S" : ":I");
    }

    Managed(Class<?> type, byte[] loadedBytes, ClassModel loaded) {
        this.type = type;
        this.loadedBytes = loadedBytes;
        this.loaded = loaded;
        ClassModel.Member best = null;
        for (ClassModel.Member m : loaded.methods()) {
            if (m.name().equals("<init>") && (best == null || access(m) > access(best))) {
                best = m;
            }
        }
        this.carrier = best == null ? null : new CodeRewriter.Carrier(best.descriptor(), best.is(Opcodes.ACC_PRIVATE),
                loaded.nestHost().orElse(loaded.name()));
    }

    /**
     * Whether reflection must forget what it cached of the class (and of those inheriting from it):
     * its face changed ({@link ClassModel#sameFace}), or members the loaded class lacks are served by
     * handles into a version that this batch replaces. A body edit of loaded members needs nothing:
     * the JDK's members call the loaded class, whose entries reach the newest code.
     */
    boolean reshapedBy(ClassModel previous, ClassModel next, boolean inPlace) {
        if (!previous.sameFace(next)) {
            return true;
        }
        if (inPlace) {
            return false;
        }
        for (ClassModel.Member f : next.fields()) {
            if (!LoadRewriter.declares(loaded, true, f.name(), f.descriptor(), f.is(Opcodes.ACC_STATIC))) {
                return true;
            }
        }
        for (ClassModel.Member method : next.methods()) {
            if (!LoadRewriter.declares(loaded, false, method.name(), method.descriptor(), method.is(Opcodes.ACC_STATIC))) {
                return true;
            }
        }
        return false;
    }

    private static int access(ClassModel.Member m) {
        return m.is(Opcodes.ACC_PUBLIC) ? 3 : m.is(Opcodes.ACC_PROTECTED) ? 2 : m.is(Opcodes.ACC_PRIVATE) ? 0 : 1;
    }
}
