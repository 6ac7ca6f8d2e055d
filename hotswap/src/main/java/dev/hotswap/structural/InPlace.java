package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.instrument.ClassDefinition;
import java.util.List;
import java.util.Optional;

/**
 * When a body swap of classes the engine holds redefines their current (named) versions in place
 * instead of making new ones ({@link Versions#inPlace}). A new version costs a {@code setTarget}
 * per changed body, each deoptimizing the code that inlined it (about 0.6 ms); a redefinition
 * costs 7–15 ms whatever its size, which the JVM spends walking every loaded class, and keeps the
 * old constants in the class's constant pool. So a batch goes in place from {@link #FROM} changed
 * bodies on (a build of many classes: one redefinition instead of hundreds of deoptimizations),
 * and a version takes at most {@link #SWAPS} such swaps before a new one is made, which lets the
 * grown one be unloaded (Metaspace stays bounded).
 */
final class InPlace {
    static final int FROM = 16;
    static final int SWAPS = 8;

    private InPlace() {
    }

    /** True when the batch changes enough bodies of classes the engine holds for one redefinition to be cheaper. */
    static boolean worthIt(Registry registry, List<Engine.Structural> structural) {
        int changed = 0;
        for (Engine.Structural s : structural) {
            Managed m = registry.get(s.type());
            if (m == null || m.current == null) {
                continue;
            }
            ClassModel current = m.current.model();
            for (ClassModel.Member method : s.next().methods()) {
                Optional<Long> now = s.next().bodyHash(method);
                if (now.isPresent() && (!current.methods().contains(method) || !now.equals(current.bodyHash(method)))) {
                    changed++;
                }
            }
        }
        return changed >= FROM;
    }

    /**
     * {@code m}'s current version with {@code s}'s bodies, its redefinition added to
     * {@code definitions}; empty when it may not take them in place: it took too many already, a
     * lambda's body would move to another name (a lambda object would run another's body between
     * the redefinition and the relink), or the new bodies do not fit its shape.
     */
    static Optional<Version> take(Versions versions, Managed m, Engine.Structural s, CodeRewriter.Loaded loaded,
                                  int generation, List<ClassDefinition> definitions) {
        if (m.current == null || m.inPlaceSwaps >= SWAPS || !LambdaEntries.keepsNames(m.current.model(), s.next())) {
            return Optional.empty();
        }
        Optional<ClassDefinition> redefinition = versions.inPlace(m, s.nextBytes(), s.next(), loaded, generation);
        redefinition.ifPresent(definitions::add);
        return redefinition.map(d -> new Version(m.current.hidden(), s.next(), m.current.methods(), s.nextBytes()));
    }

    /** True when {@code next} is {@code m}'s current version with new bodies (not yet published). */
    static boolean took(Managed m, Version next) {
        return m.current != null && m.current.hidden() == next.hidden();
    }
}
