package dev.hotswap;

import java.time.Duration;
import java.util.List;

/**
 * What became of one batch of changed classes (one compile). A batch is applied whole or not at
 * all: {@link Reloaded} means every class in it runs its new version, {@link Refused} and
 * {@link Failed} mean none does and the program keeps running the previous code.
 */
public sealed interface ReloadOutcome {

    /** Binary names of the classes in the batch ({@code com.example.Demo$Inner}). */
    List<String> classes();

    /** Why a batch, or one class of it, was not reloaded. */
    List<Reason> reasons();

    /** Every class of the batch now runs its new version. */
    record Reloaded(List<String> classes, Duration took) implements ReloadOutcome {
        public Reloaded {
            classes = List.copyOf(classes);
        }

        @Override
        public List<Reason> reasons() {
            return List.of();
        }
    }

    /** hotswap declined the batch before touching the JVM: a change it cannot apply, or bad input. */
    record Refused(List<String> classes, List<Reason> reasons) implements ReloadOutcome {
        public Refused {
            classes = List.copyOf(classes);
            reasons = List.copyOf(reasons);
        }
    }

    /** The JVM rejected the batch (a {@code VerifyError}, a {@code ClassFormatError}, ...); nothing changed. */
    record Failed(List<String> classes, List<Reason> reasons) implements ReloadOutcome {
        public Failed {
            classes = List.copyOf(classes);
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * One reason, about one class and, where it applies, one member.
     *
     * @param className binary name of the class, or the class file's path when it could not be read
     * @param member the member as source spells it ({@code test(int)}, {@code count}), or empty
     * @param message what happened, one phrase, e.g. {@code method test(int) now takes (long)}
     */
    record Reason(String className, String member, String message) {
    }
}
