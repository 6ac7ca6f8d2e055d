package dev.hotswap;

import javax.management.ConstructorParameters;
import java.util.List;
import java.util.Map;

/**
 * A hotswap session as the JVM's management interface sees it, registered as
 * {@code dev.hotswap:type=Hotswap} in the platform MBean server. Remote access is the JDK's own JMX
 * agent (its password, access and SSL settings); hotswap opens no port of its own. Reached by
 * {@code java -jar hotswap.jar push|status|history|rollback}.
 */
public interface HotswapMXBean {
    /** The object name every session registers under. */
    String OBJECT_NAME = "dev.hotswap:type=Hotswap";

    /** Whether the session watches and swaps. */
    boolean isActive();

    /** The folders whose classes can be swapped. */
    List<String> getWatchedFolders();

    long getReloadedBatches();

    long getRefusedBatches();

    long getFailedBatches();

    /** What swaps: the JVM's own redefinition, or the structural engine too, and the shape of its versions. */
    String getEngine();

    /** SHA-256 (hex) of the class file each loaded class of the watched folders runs, by class name. */
    Map<String, String> classHashes();

    /**
     * Swaps these classes (binary name to class file) as one batch, as if a build had written them
     * into the watched folders, and writes them there; nothing of a batch that does not go in stays.
     */
    Batch reload(Map<String, byte[]> classes);

    /** The last batches, oldest first. */
    List<Batch> history();

    /** Swaps back the classes of the last batch that went in, to the bytes they ran before it, as one batch. */
    Batch rollback();

    /**
     * One batch and what became of it.
     *
     * @param time when it was told, ISO-8601
     * @param origin {@code build} (class files written into the folders), {@code jmx} or {@code rollback}
     * @param outcome {@code reloaded}, {@code refused}, {@code failed}, or {@code nothing} (every class as it runs)
     */
    final class Batch {
        private final String time;
        private final String origin;
        private final String outcome;
        private final List<String> classes;
        private final List<Reason> reasons;
        private final long millis;

        @ConstructorParameters({"time", "origin", "outcome", "classes", "reasons", "millis"})
        public Batch(String time, String origin, String outcome, List<String> classes, List<Reason> reasons, long millis) {
            this.time = time;
            this.origin = origin;
            this.outcome = outcome;
            this.classes = List.copyOf(classes);
            this.reasons = List.copyOf(reasons);
            this.millis = millis;
        }

        public String getTime() {
            return time;
        }

        public String getOrigin() {
            return origin;
        }

        public String getOutcome() {
            return outcome;
        }

        public List<String> getClasses() {
            return classes;
        }

        /** Why it was refused or failed; for a reloaded batch, its warnings (what did not follow). */
        public List<Reason> getReasons() {
            return reasons;
        }

        public long getMillis() {
            return millis;
        }
    }

    /** A reason, as {@link ReloadOutcome.Reason} has it: a kind, the class and member, a sentence. */
    final class Reason {
        private final String kind;
        private final String className;
        private final String member;
        private final String message;

        @ConstructorParameters({"kind", "className", "member", "message"})
        public Reason(String kind, String className, String member, String message) {
            this.kind = kind;
            this.className = className;
            this.member = member;
            this.message = message;
        }

        public String getKind() {
            return kind;
        }

        public String getClassName() {
            return className;
        }

        public String getMember() {
            return member;
        }

        public String getMessage() {
            return message;
        }
    }
}
