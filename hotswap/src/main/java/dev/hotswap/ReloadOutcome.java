package dev.hotswap;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What became of one batch of changed classes (one compile). A batch is applied whole or not at
 * all: {@link Reloaded} means every class in it runs its new version, {@link Refused} and
 * {@link Failed} mean none does and the program keeps running the previous code.
 */
public sealed interface ReloadOutcome {

    /** Binary names of the classes in the batch ({@code com.example.Demo$Inner}). */
    List<String> classes();

    /** Why a batch, or one class of it, was not reloaded; for {@link Reloaded}, what did not follow. */
    List<Reason> reasons();

    /**
     * Every class of the batch now runs its new version. {@code warnings} name what did not
     * follow after the swap went in (an added static field whose initializer threw, a hook that
     * failed): the new code runs, and each warning says what the user can do.
     */
    record Reloaded(List<String> classes, Duration took, List<Reason> warnings) implements ReloadOutcome {
        public Reloaded {
            classes = List.copyOf(classes);
            warnings = List.copyOf(warnings);
        }

        public Reloaded(List<String> classes, Duration took) {
            this(classes, took, List.of());
        }

        @Override
        public List<Reason> reasons() {
            return warnings;
        }
    }

    /** hotswap declined the batch before touching the JVM: a change it cannot apply, or bad input. */
    record Refused(List<String> classes, List<Reason> reasons) implements ReloadOutcome {
        public Refused {
            classes = List.copyOf(classes);
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * The JVM rejected the batch (a {@code VerifyError}, a {@code ClassFormatError}, ...), or
     * hotswap itself failed ({@link Kind#INTERNAL_ERROR}); nothing changed.
     *
     * @param cause the exception, when there was one
     */
    record Failed(List<String> classes, List<Reason> reasons, Optional<Throwable> cause) implements ReloadOutcome {
        public Failed {
            classes = List.copyOf(classes);
            reasons = List.copyOf(reasons);
        }

        public Failed(List<String> classes, List<Reason> reasons) {
            this(classes, reasons, Optional.empty());
        }
    }

    /** What a {@link Reason} is about, for tools. */
    enum Kind {
        // A change to the class itself or one member (the structural changes hotswap sees).
        METHOD_ADDED,
        METHOD_REMOVED,
        METHOD_SIGNATURE_CHANGED,
        METHOD_MODIFIERS_CHANGED,
        LAMBDA_ADDED,
        LAMBDA_REMOVED,
        LAMBDAS_RENUMBERED,
        FIELD_ADDED,
        FIELD_REMOVED,
        FIELD_TYPE_CHANGED,
        FIELD_MODIFIERS_CHANGED,
        FIELDS_REORDERED,
        ENUM_CONSTANT_ADDED,
        ENUM_CONSTANT_REMOVED,
        SUPERCLASS_CHANGED,
        INTERFACES_CHANGED,
        CLASS_MODIFIERS_CHANGED,
        NEST_HOST_CHANGED,
        NEST_MEMBERS_CHANGED,
        PERMITTED_SUBCLASSES_CHANGED,
        RECORD_COMPONENTS_CHANGED,
        /** A native method added; an override of a class hotswap cannot change; another shape the engine cannot take. */
        UNSUPPORTED_CHANGE,
        // Bad input.
        /** Truncated, corrupt, or still being written when hotswap gave up waiting. */
        UNREADABLE_CLASS_FILE,
        /** A class file not at the path of its own name. */
        MISPLACED_CLASS_FILE,
        /** A JDK class (boot or platform loader, or a {@code java.}, {@code jdk.}, {@code sun.} name). */
        JDK_CLASS,
        /** Loaded from somewhere other than the watched folder that holds the file. */
        NOT_FROM_WATCHED_FOLDER,
        /** The JVM does not let this class be modified, or its loader cannot run the engine's code. */
        NOT_MODIFIABLE,
        /** The new bytes name a class, method or field that does not exist where they say. */
        UNRESOLVED_REFERENCE,
        /** A rollback asked for where no batch went in yet. */
        NOTHING_TO_ROLL_BACK,
        // Failures.
        /** The JVM rejected the batch ({@code redefineClasses} threw). */
        JVM_REJECTED,
        /** A bug in hotswap; nothing was applied. */
        INTERNAL_ERROR,
        // Warnings on a Reloaded outcome: the swap went in, this did not follow.
        /** An added static field's initializer (the new static initializer, run again) threw. */
        STATIC_INITIALIZER_FAILED,
        /** An enum's constants, or a switch table over them, could not be brought up to date. */
        ENUM_UPDATE_FAILED,
        /** The engine could not relink or record part of the batch after it went in. */
        PUBLISH_FAILED,
        /** A framework (Spring, Jackson) manages this class and does not follow this change: what it will not do, and how to get it. */
        FRAMEWORK_NOT_FOLLOWED,
        /** hotswap's integration with a framework failed for this batch: the framework may still see the class as before. */
        FRAMEWORK_FAILED,
        /** A framework object (a Spring bean) was made anew to follow the change: its state starts afresh. */
        BEAN_RECREATED,
        /**
         * An instance field a swap added whose initializer cannot run alone for the objects made
         * before the swap (it uses the constructor's parameters, or branches): they read it as 0, null, false.
         */
        FIELD_NOT_INITIALIZED
    }

    /**
     * One reason, about one class and, where it applies, one member.
     *
     * @param className binary name of the class, or the class file's path when it could not be read
     * @param member the member as source spells it ({@code test(int)}, {@code count}), or empty
     * @param message what happened, one phrase, e.g. {@code method test(int) now takes (long)}
     * @param kind what the reason is about
     * @param oldDescriptor the member's JVM descriptor as running ({@code (I)V}), or empty
     * @param newDescriptor the member's JVM descriptor in the new version, or empty
     */
    record Reason(String className, String member, String message, Kind kind, String oldDescriptor,
                  String newDescriptor) {
        public Reason(String className, String member, String message, Kind kind) {
            this(className, member, message, kind, "", "");
        }
    }
}
