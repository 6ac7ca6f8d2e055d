package dev.hotswap;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed settings for {@link Hotswap#start(HotswapOptions)}: each {@code with} method returns a copy
 * with one setting changed; what is not set keeps hotswap's default (or the {@code hotswap.*}
 * system property). Checked when set: a negative duration (or a zero polling interval), one finer
 * than a millisecond, or a path the agent's option syntax cannot carry (a comma; in a watched
 * folder, the path separator) is refused at once with {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * Hotswap.start(HotswapOptions.defaults()
 *         .withWatch(Path.of("target/classes"))
 *         .withVerbosity(HotswapOptions.Verbosity.QUIET));
 * }</pre>
 */
public final class HotswapOptions {
    /** What hotswap prints on stderr. */
    public enum Verbosity {
        /** Only refusals and failures. */
        QUIET,
        /** Also one line per reload, and the start-up line (the default). */
        NORMAL,
        /** Also what was skipped and why. */
        VERBOSE
    }

    /** What a swap does with static fields whose initializing code changed. */
    public enum StaticInitializers {
        /** The part of the new static initializer that sets them runs again (the default). */
        RERUN,
        /** They keep their values. */
        KEEP
    }

    private final List<Path> watch;
    private final Optional<Duration> settle;
    private final boolean settleOff;
    private final Optional<Duration> quiet;
    private final Optional<Duration> poll;
    private final Optional<Duration> retry;
    private final Optional<Verbosity> verbosity;
    private final Optional<Path> events;
    private final Optional<StaticInitializers> statics;

    private HotswapOptions(List<Path> watch, Optional<Duration> settle, boolean settleOff, Optional<Duration> quiet,
                           Optional<Duration> poll, Optional<Duration> retry, Optional<Verbosity> verbosity,
                           Optional<Path> events, Optional<StaticInitializers> statics) {
        this.watch = List.copyOf(watch);
        this.settle = settle;
        this.settleOff = settleOff;
        this.quiet = quiet;
        this.poll = poll;
        this.retry = retry;
        this.verbosity = verbosity;
        this.events = events;
        this.statics = statics;
    }

    /** Every setting at its default: the class path's folders watched, the compile's end detected. */
    public static HotswapOptions defaults() {
        return new HotswapOptions(List.of(), Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The folders to watch for changed class files, instead of the class path's folders. */
    public HotswapOptions withWatch(Path... folders) {
        List<Path> checked = new ArrayList<>();
        for (Path folder : Objects.requireNonNull(folders, "folders")) {
            checked.add(carried(Objects.requireNonNull(folder, "a folder"), "watch"));
        }
        return new HotswapOptions(checked, settle, settleOff, quiet, poll, retry, verbosity, events, statics);
    }

    /** A complete compile goes in once no class file arrived for this long (default 3 ms). */
    public HotswapOptions withSettle(Duration settle) {
        return new HotswapOptions(watch, Optional.of(positive(settle, "settle")), false, quiet, poll, retry, verbosity,
                events, statics);
    }

    /** No compile-end detection: a burst of writes goes in once the folders stayed quiet for {@code quiet}. */
    public HotswapOptions withFixedQuiet(Duration quiet) {
        return new HotswapOptions(watch, Optional.empty(), true, Optional.of(positive(quiet, "quiet")), poll, retry,
                verbosity, events, statics);
    }

    /** Polls the folders at this interval instead of the operating system's file events. */
    public HotswapOptions withPolling(Duration interval) {
        return new HotswapOptions(watch, settle, settleOff, quiet, Optional.of(positive(interval, "poll")), retry,
                verbosity, events, statics);
    }

    /** How long a class file that does not parse yet (half-written) is retried (default 1 s). */
    public HotswapOptions withRetry(Duration retry) {
        return new HotswapOptions(watch, settle, settleOff, quiet, poll, Optional.of(positive(retry, "retry")), verbosity,
                events, statics);
    }

    public HotswapOptions withVerbosity(Verbosity verbosity) {
        return new HotswapOptions(watch, settle, settleOff, quiet, poll, retry,
                Optional.of(Objects.requireNonNull(verbosity, "verbosity")), events, statics);
    }

    /** One JSON object per outcome appended to this file. */
    public HotswapOptions withEvents(Path file) {
        return new HotswapOptions(watch, settle, settleOff, quiet, poll, retry, verbosity,
                Optional.of(carried(Objects.requireNonNull(file, "file"), "events")), statics);
    }

    public HotswapOptions withStaticInitializers(StaticInitializers statics) {
        return new HotswapOptions(watch, settle, settleOff, quiet, poll, retry, verbosity, events,
                Optional.of(Objects.requireNonNull(statics, "statics")));
    }

    /** The same settings in the agent's option syntax ({@code -javaagent:hotswap.jar=<this>}). */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!watch.isEmpty()) {
            parts.add("watch=" + String.join(File.pathSeparator, watch.stream().map(Path::toString).toList()));
        }
        settle.ifPresent(d -> parts.add("settle=" + d.toMillis() + "ms"));
        if (settleOff) {
            parts.add("settle=off");
        }
        quiet.ifPresent(d -> parts.add("quiet=" + d.toMillis() + "ms"));
        poll.ifPresent(d -> parts.add("poll=" + d.toMillis() + "ms"));
        retry.ifPresent(d -> parts.add("retry=" + d.toMillis() + "ms"));
        verbosity.ifPresent(v -> parts.add("verbosity=" + v.name().toLowerCase(Locale.ROOT)));
        events.ifPresent(p -> parts.add("events=" + p));
        statics.ifPresent(s -> parts.add("statics=" + s.name().toLowerCase(Locale.ROOT)));
        return String.join(",", parts);
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero() && what.equals("poll")) {
            throw new IllegalArgumentException(what + " must be " + (what.equals("poll") ? "positive" : "zero or more")
                    + ": " + d);
        }
        if (d.toMillis() == 0 && !d.isZero()) {
            throw new IllegalArgumentException(what + " is counted in milliseconds: " + d + " is less than one");
        }
        return d;
    }

    private static Path carried(Path path, String what) {
        String text = path.toString();
        if (text.contains(",") || what.equals("watch") && text.contains(File.pathSeparator)) {
            throw new IllegalArgumentException(what + " folder " + text + " holds a character the option syntax uses ("
                    + (text.contains(",") ? "," : File.pathSeparator) + "); rename it, or pass -Dhotswap." + what);
        }
        return path;
    }
}
