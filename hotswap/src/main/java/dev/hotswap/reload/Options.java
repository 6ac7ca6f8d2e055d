package dev.hotswap.reload;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of one hotswap session. One parser reads both spellings: the agent argument
 * ({@code -javaagent:hotswap.jar=watch=out/classes,quiet=50ms}) and system properties
 * ({@code -Dhotswap.watch=out/classes -Dhotswap.quiet=50ms}); an agent argument wins over a
 * property. A bad value never stops the program: it is reported in {@link #problems()} and the
 * default is used.
 *
 * @param watch folders to watch; empty means every directory on the class path and module path
 * @param quiet with {@code settle} off: how long the folders must stay quiet before a burst of writes
 *              becomes one batch
 * @param settle when present, a burst of class files that is a complete compile ({@link Completeness})
 *               becomes one batch once no file arrived for this long, and an incomplete one once
 *               none arrived for {@link #INCOMPLETE_PATIENCE}; empty when {@code quiet} was set and
 *               {@code settle} was not, or with {@code settle=off}
 * @param poll when present, poll at this interval instead of using the OS file events
 * @param retry how long a class file that does not parse (half-written) is retried before the
 *              batch holding it is given up
 * @param verbosity what is printed on stderr
 * @param events when present, one JSON object per outcome is appended to this file
 * @param batches when present, the folder where a build announces each complete compile (a file
 *                {@code *.batch} listing its class and resource files, one path per line); the
 *                listed files are swapped at once, as one batch, and the watched folders are not
 *                watched for writes (dev mode's build says where each compile ends)
 * @param statics whether a changed static initializer runs again for the statics whose initializing
 *                code changed ({@code statics=rerun}, the default) or every static keeps its value
 *                ({@code statics=keep})
 * @param problems what could not be understood, one sentence each
 */
public record Options(List<Path> watch, Duration quiet, Optional<Duration> settle, Optional<Duration> poll, Duration retry,
                      Verbosity verbosity, Optional<Path> events, Optional<Path> batches, Statics statics,
                      List<String> problems) {

    public static final Duration DEFAULT_QUIET = Duration.ofMillis(50);
    public static final Duration DEFAULT_SETTLE = Duration.ofMillis(3);
    /** How long a compile that is not complete yet waits for its other class files, at most, once writes stop. */
    public static final Duration INCOMPLETE_PATIENCE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_POLL = Duration.ofMillis(200);
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(1);
    static final String PROPERTY_PREFIX = "hotswap.";
    /** Read by {@code dev.hotswap.watch.Debug}, not an option: known, so never called unknown. */
    private static final String DEBUG_PROPERTY = "hotswap.debug";
    /** Read by {@code dev.hotswap.watch.Timings}, a measuring aid, not an option. */
    private static final String TIMINGS_PROPERTY = "hotswap.timings";
    private static final List<String> KEYS = List.of("watch", "quiet", "settle", "poll", "retry", "verbosity", "events", "batches", "statics");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|)", Pattern.CASE_INSENSITIVE);

    public Options {
        watch = List.copyOf(watch);
        problems = List.copyOf(problems);
    }

    /** What becomes of statics whose initializing code a swap changed. */
    public enum Statics {
        /** The part of the new static initializer that sets them runs again: they get the new values. */
        RERUN,
        /** They keep the values they have (the new initializer is not run for them). */
        KEEP
    }

    /** What is printed on stderr. */
    public enum Verbosity {
        /** Only refusals and failures. */
        QUIET,
        /** Also one line per reload, and the start-up line. */
        NORMAL,
        /** Also what was skipped and why (unchanged, not loaded yet). */
        VERBOSE
    }

    public static Options defaults() {
        return new Options(List.of(), DEFAULT_QUIET, Optional.of(DEFAULT_SETTLE), Optional.empty(), DEFAULT_RETRY, Verbosity.NORMAL,
                Optional.empty(), Optional.empty(), Statics.RERUN, List.of());
    }

    /**
     * Reads {@code hotswap.*} system properties, then the agent argument string on top.
     *
     * @param agentArgs comma-separated {@code key=value} pairs (a bare key means {@code true});
     *                  may be null or empty
     * @param properties where {@code hotswap.*} keys are looked up, normally {@code System.getProperties()}
     */
    public static Options parse(String agentArgs, Map<?, ?> properties) {
        Builder builder = new Builder();
        for (String key : KEYS) {
            Object value = properties.get(PROPERTY_PREFIX + key);
            if (value != null) {
                builder.set(key, value.toString(), "-D" + PROPERTY_PREFIX + key);
            }
        }
        properties.keySet().stream().map(Object::toString)
                .filter(k -> k.startsWith(PROPERTY_PREFIX) && !KEYS.contains(k.substring(PROPERTY_PREFIX.length()))
                        && !k.equals(DEBUG_PROPERTY) && !k.equals(TIMINGS_PROPERTY) && !k.equals(VersionShape.PROPERTY))
                .sorted()
                .forEach(k -> builder.problems.add("unknown property -D" + k + " ignored (known: "
                        + String.join(", ", KEYS) + ", versions)"));
        boolean watchFromArgs = false;
        if (agentArgs != null && !agentArgs.isBlank()) {
            for (String part : agentArgs.split(",")) {
                String item = part.strip();
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                String key = (eq < 0 ? item : item.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "true" : item.substring(eq + 1).strip();
                if (key.equals("watch") && !watchFromArgs) {
                    // Agent arguments replace the property's folders rather than add to them.
                    builder.watch.clear();
                    watchFromArgs = true;
                }
                builder.set(key, value, "option '" + key + "'");
            }
        }
        return builder.build();
    }

    private static final class Builder {
        final List<Path> watch = new ArrayList<>();
        Duration quiet = DEFAULT_QUIET;
        boolean quietSet;
        Optional<Duration> settle = Optional.of(DEFAULT_SETTLE);
        boolean settleSet;
        Optional<Duration> poll = Optional.empty();
        Duration retry = DEFAULT_RETRY;
        Verbosity verbosity = Verbosity.NORMAL;
        Optional<Path> events = Optional.empty();
        Optional<Path> batches = Optional.empty();
        Statics statics = Statics.RERUN;
        final List<String> problems = new ArrayList<>();

        void set(String key, String value, String where) {
            switch (key) {
                case "watch" -> {
                    watch.clear();
                    for (String entry : value.split(Pattern.quote(File.pathSeparator))) {
                        if (!entry.isBlank()) {
                            path(entry.strip(), where).ifPresent(watch::add);
                        }
                    }
                }
                case "quiet" -> duration(value, where, false).ifPresent(d -> {
                    quiet = d;
                    quietSet = true;
                });
                case "settle" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    if (v.equals("off") || v.equals("false") || v.equals("no")) {
                        settle = Optional.empty();
                        settleSet = true;
                    } else {
                        duration(value, where, false).ifPresent(d -> {
                            settle = Optional.of(d);
                            settleSet = true;
                        });
                    }
                }
                case "retry" -> duration(value, where, false).ifPresent(d -> retry = d);
                case "poll" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    if (v.equals("true") || v.equals("yes") || v.equals("on")) {
                        poll = Optional.of(DEFAULT_POLL);
                    } else if (v.equals("false") || v.equals("no") || v.equals("off")) {
                        poll = Optional.empty();
                    } else {
                        duration(value, where, true).ifPresent(d -> poll = Optional.of(d));
                    }
                }
                case "verbosity", "verbose" -> verbosity(key, value, where);
                case "events" -> events = path(value, where);
                case "batches" -> batches = path(value, where);
                case "statics" -> {
                    try {
                        statics = Statics.valueOf(value.strip().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        problems.add(where + ": '" + value + "' is not one of rerun, keep; using rerun");
                    }
                }
                default -> problems.add("unknown " + where + " ignored (known: " + String.join(", ", KEYS) + ")");
            }
        }

        private void verbosity(String key, String value, String where) {
            if (key.equals("verbose")) {
                verbosity = Boolean.parseBoolean(value) ? Verbosity.VERBOSE : verbosity;
                return;
            }
            try {
                verbosity = Verbosity.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": '" + value + "' is not one of quiet, normal, verbose; using normal");
            }
        }

        private Optional<Path> path(String value, String where) {
            try {
                return Optional.of(Path.of(value).toAbsolutePath().normalize());
            } catch (InvalidPathException e) {
                problems.add(where + ": '" + value + "' is not a valid path");
                return Optional.empty();
            }
        }

        private Optional<Duration> duration(String value, String where, boolean positive) {
            Matcher m = DURATION.matcher(value.strip());
            if (!m.matches()) {
                problems.add(where + ": '" + value + "' is not a duration like 20ms or 1s; using the default");
                return Optional.empty();
            }
            long amount;
            try {
                amount = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                problems.add(where + ": '" + value + "' is too large; using the default");
                return Optional.empty();
            }
            Duration d = m.group(2).equalsIgnoreCase("s") ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
            if (positive && d.isZero()) {
                problems.add(where + ": the interval must be positive; using the default");
                return Optional.empty();
            }
            return Optional.of(d);
        }

        Options build() {
            // A quiet period asked for by name is a fixed one: the compile's end is not looked for.
            Optional<Duration> detect = quietSet && !settleSet ? Optional.empty() : settle;
            return new Options(watch, quiet, detect, poll, retry, verbosity, events, batches, statics, problems);
        }
    }
}
