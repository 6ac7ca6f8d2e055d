package dev.hotswap.reload;

import dev.hotswap.watch.Debug;
import dev.hotswap.ReloadListener;
import dev.hotswap.ReloadOutcome;
import dev.hotswap.ReloadOutcome.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Tells the world about each batch: one line on stderr, one JSON object in the events file if
 * asked for, and every registered listener. Lines start with {@code hotswap: }, so they are easy
 * to find among the program's own output. Nothing here throws into the caller.
 */
final class Reporter {
    private static final int REASONS_SHOWN = 6;

    private final Options.Verbosity verbosity;
    private final Optional<Path> events;
    private final Supplier<PrintStream> err;
    private final List<ReloadListener> listeners = new CopyOnWriteArrayList<>();
    private boolean eventsBroken;
    /** This process's user, once an events file was there before us (null until then). */
    private UserPrincipal us;

    Reporter(Options options, Supplier<PrintStream> err) {
        this.verbosity = options.verbosity();
        this.events = options.events();
        this.err = err;
    }

    void addListener(ReloadListener listener) {
        listeners.add(listener);
    }

    void removeListener(ReloadListener listener) {
        listeners.remove(listener);
    }

    /**
     * Reports an outcome; {@code hint} says what the user can do about a refusal or failure, and
     * for a reload what else it did (said in brackets after the classes).
     */
    void outcome(ReloadOutcome outcome, String hint) {
        // Refusals and failures are always shown: the user must know the old code still runs.
        if (!(outcome instanceof ReloadOutcome.Reloaded) || verbosity != Options.Verbosity.QUIET) {
            print(line(outcome, hint));
        }
        events.ifPresent(file -> writeEvent(file, outcome));
        for (ReloadListener listener : listeners) {
            try {
                listener.onReload(outcome);
            } catch (Throwable e) { // the program's code: all it throws is told as its own
                // A listener's bug is the program's; report it and go on with the others and the hooks.
                print("hotswap: listener " + listener.getClass().getName() + " threw " + e);
            }
        }
    }

    static String line(ReloadOutcome outcome, String hint) {
        return oneLine(plainLine(outcome, hint));
    }

    /** What a corrupt class file names may hold line breaks and control characters: never more than one line. */
    static String oneLine(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return b.toString();
    }

    private static String plainLine(ReloadOutcome outcome, String hint) {
        List<String> classes = outcome.classes();
        if (outcome instanceof ReloadOutcome.Reloaded r) {
            String line = "hotswap: reloaded " + classesAndFiles(classes)
                    + " in " + Math.max(0, r.took().toMillis()) + " ms: " + Names.shown(classes)
                    + (hint.isEmpty() ? "" : " (" + hint + ")");
            // The new code runs; what did not follow is said on the same line.
            return r.warnings().isEmpty() ? line : line + " — but " + reasons(r.warnings(), true);
        }
        String what = outcome instanceof ReloadOutcome.Refused ? "not reloaded " : "reload failed for ";
        return "hotswap: " + what + Names.shown(classes) + ": " + reasons(outcome.reasons(), classes.size() > 1)
                + (hint.isEmpty() ? "" : " — " + hint) + "; still running the previous version";
    }

    private static String reasons(List<Reason> reasons, boolean nameClass) {
        String shown = reasons.stream().limit(REASONS_SHOWN)
                .map(r -> nameClass ? r.className() + ": " + r.message() : r.message())
                .collect(Collectors.joining("; "));
        return reasons.size() > REASONS_SHOWN ? shown + "; and " + (reasons.size() - REASONS_SHOWN) + " more" : shown;
    }

    /** {@code 2 classes}, {@code 1 file}, {@code 1 class and 1 file}: configuration files a framework read are counted apart. */
    private static String classesAndFiles(List<String> names) {
        long files = names.stream().filter(n -> dev.hotswap.watch.FileTree.isResourceFile(java.nio.file.Path.of(n))).count();
        int classes = names.size() - (int) files;
        if (files == 0) {
            return Names.count(classes, "class", "classes");
        }
        return (classes == 0 ? "" : Names.count(classes, "class", "classes") + " and ") + Names.count((int) files, "file", "files");
    }

    /** A line shown at normal verbosity and above. */
    void info(String line) {
        if (verbosity != Options.Verbosity.QUIET) {
            print(oneLine(line));
        }
    }

    /** A line shown only when verbose. */
    void detail(String line) {
        if (verbosity == Options.Verbosity.VERBOSE) {
            print(oneLine(line));
        }
    }

    /** A problem the user must hear of whatever the verbosity. */
    void problem(String line) {
        print(oneLine(line));
    }

    private void print(String line) {
        PrintStream stream = err.get();
        stream.println(line);
        stream.flush();
    }

    private void writeEvent(Path file, ReloadOutcome outcome) {
        byte[] json = (json(outcome, Instant.now()) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            // Never through a link, and never into a file of someone else's: another user could have put either there
            // beforehand (in /tmp, say) to have us write where they cannot.
            boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            if (us == null && exists) {
                us = us();
            }
            Optional<String> notOurs = exists ? notOurs(file, us) : Optional.empty();
            if (notOurs.isPresent()) {
                if (!eventsBroken) {
                    eventsBroken = true;
                    print("hotswap: not writing events to " + file + ": " + notOurs.get() + "; remove it, or give events="
                            + " a file of your own; reloading goes on");
                }
                return;
            }
            // A file made by someone else between that look and this open is not written to: CREATE_NEW fails on it.
            try (OutputStream out = Files.newOutputStream(file, exists ? StandardOpenOption.APPEND : StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                out.write(json);
            }
        } catch (IOException | RuntimeException e) {
            if (!eventsBroken) {
                eventsBroken = true;
                print("hotswap: cannot write events to " + file + " (" + e + "); reloading goes on");
            }
            Debug.log("events file", e);
        }
    }

    /**
     * Why an existing events file is not ours to append to: a symbolic link, not a regular file,
     * another user's, or with other names (hard links); empty when it is ours.
     */
    static Optional<String> notOurs(Path file, UserPrincipal us) throws IOException {
        if (Files.isSymbolicLink(file)) {
            return Optional.of("it is a symbolic link (to " + Files.readSymbolicLink(file) + ")");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("it is not a regular file");
        }
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Optional.empty(); // no owners to compare the POSIX way (Windows): the link check above is what applies
        }
        UserPrincipal owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(us)) {
            return Optional.of("it belongs to " + owner.getName() + ", not to this program's user, " + us.getName());
        }
        if (file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            int links = (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            if (links > 1) {
                return Optional.of("it has " + links + " names (hard links), so it may be another file of ours as well");
            }
        }
        return Optional.empty();
    }

    /** This process's user: the owner of its {@code /proc} entry on Linux, else of a file it makes. */
    static UserPrincipal us() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.exists(self)) {
            return Files.getOwner(self);
        }
        Path made = Files.createTempFile("hotswap-owner", ".tmp");
        try {
            return Files.getOwner(made);
        } finally {
            Files.deleteIfExists(made);
        }
    }

    /** One outcome as one line of JSON: {@code {"time":..,"outcome":"reloaded","classes":[..],..}}. */
    static String json(ReloadOutcome outcome, Instant time) {
        StringBuilder b = new StringBuilder("{\"time\":").append(quote(time.toString())).append(",\"outcome\":");
        if (outcome instanceof ReloadOutcome.Reloaded r) {
            b.append("\"reloaded\",\"millis\":").append(r.took().toMillis());
        } else {
            b.append(outcome instanceof ReloadOutcome.Refused ? "\"refused\"" : "\"failed\"");
        }
        if (outcome instanceof ReloadOutcome.Failed f) {
            f.cause().ifPresent(c -> b.append(",\"cause\":").append(quote(c.toString())));
        }
        b.append(",\"classes\":[").append(outcome.classes().stream().map(Reporter::quote)
                .collect(Collectors.joining(","))).append("]");
        b.append(",\"reasons\":[").append(outcome.reasons().stream()
                .map(r -> "{\"class\":" + quote(r.className()) + ",\"member\":" + quote(r.member())
                        + ",\"kind\":" + quote(r.kind().name()) + ",\"oldDescriptor\":" + quote(r.oldDescriptor())
                        + ",\"newDescriptor\":" + quote(r.newDescriptor()) + ",\"message\":" + quote(r.message()) + "}")
                .collect(Collectors.joining(","))).append("]}");
        return b.toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
