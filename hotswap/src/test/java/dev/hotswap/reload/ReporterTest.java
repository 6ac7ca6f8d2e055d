package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReporterTest {
    @TempDir
    Path dir;

    @Test
    void configurationFilesAFrameworkReadAreCountedApartFromClasses() {
        assertThat(Reporter.line(new ReloadOutcome.Reloaded(List.of("application.properties"), Duration.ofMillis(9)), ""))
                .isEqualTo("hotswap: reloaded 1 file in 9 ms: application.properties");
        assertThat(Reporter.line(new ReloadOutcome.Reloaded(List.of("a.B", "a.C", "config/app.yml"), Duration.ofMillis(4)), ""))
                .isEqualTo("hotswap: reloaded 2 classes and 1 file in 4 ms: a.B, a.C, config/app.yml");
    }

    @Test
    void reloadedLine() {
        assertThat(Reporter.line(new ReloadOutcome.Reloaded(List.of("com.example.Demo", "com.example.Util"),
                Duration.ofMillis(4)), "")).isEqualTo("hotswap: reloaded 2 classes in 4 ms: com.example.Demo, com.example.Util");
        assertThat(Reporter.line(new ReloadOutcome.Reloaded(List.of("A"), Duration.ofMillis(3)), ""))
                .isEqualTo("hotswap: reloaded 1 class in 3 ms: A");
    }

    @Test
    void refusedLineNamesClassMemberAndWhatToDo() {
        String line = Reporter.line(new ReloadOutcome.Refused(List.of("com.example.Demo"),
                List.of(new Reason("com.example.Demo", "test(int)", "method test(int) now takes (long)", Kind.METHOD_SIGNATURE_CHANGED))), "restart to apply it");
        assertThat(line).isEqualTo("hotswap: not reloaded com.example.Demo: method test(int) now takes (long)"
                + " — restart to apply it; still running the previous version");
    }

    @Test
    void longListsAreCut() {
        List<String> names = IntStream.range(0, 1000).mapToObj(i -> "C" + i).toList();
        assertThat(Reporter.line(new ReloadOutcome.Reloaded(names, Duration.ofMillis(120)), ""))
                .endsWith("C6, C7 and 992 more");
    }

    @Test
    void warningsOfAReloadShowOnItsLine() {
        String line = Reporter.line(new ReloadOutcome.Reloaded(List.of("a.B"), Duration.ofMillis(2), List.of(new Reason("a.B",
                "<clinit>", "its static initializer threw X", Kind.STATIC_INITIALIZER_FAILED))), "");
        assertThat(line).isEqualTo("hotswap: reloaded 1 class in 2 ms: a.B — but a.B: its static initializer threw X");
    }

    @Test
    void jsonEscapes() {
        String json = Reporter.json(new ReloadOutcome.Failed(List.of("a.B"),
                List.of(new Reason("a.B", "", "java.lang.VerifyError: \"bad\"\tstack\\", Kind.JVM_REJECTED))), Instant.EPOCH);
        assertThat(json).isEqualTo("{\"time\":\"1970-01-01T00:00:00Z\",\"outcome\":\"failed\",\"classes\":[\"a.B\"],"
                + "\"reasons\":[{\"class\":\"a.B\",\"member\":\"\",\"kind\":\"JVM_REJECTED\",\"oldDescriptor\":\"\","
                + "\"newDescriptor\":\"\",\"message\":\"java.lang.VerifyError: \\\"bad\\\"\\tstack\\\\\"}]}");
    }

    @Test
    void quietShowsOnlyProblemsAndEventsAndListenersGetEverything() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Path events = dir.resolve("events.jsonl");
        Options options = Options.parse("verbosity=quiet,events=" + events, java.util.Map.of());
        Reporter reporter = new Reporter(options, () -> stream);
        List<ReloadOutcome> heard = new ArrayList<>();
        reporter.addListener(heard::add);
        reporter.addListener(o -> {
            throw new IllegalStateException("listener bug");
        });
        ReloadOutcome reloaded = new ReloadOutcome.Reloaded(List.of("A"), Duration.ofMillis(1));
        ReloadOutcome refused = new ReloadOutcome.Refused(List.of("A"), List.of(new Reason("A", "f", "field int f added", Kind.FIELD_ADDED)));
        reporter.outcome(reloaded, "");
        reporter.outcome(refused, "");
        reporter.info("hotswap: watching");
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain("reloaded 1 class").doesNotContain("watching")
                .contains("not reloaded A: field int f added").contains("listener").contains("listener bug");
        assertThat(heard).containsExactly(reloaded, refused);
        assertThat(Files.readAllLines(events)).hasSize(2);
    }

    @Test
    void aListenerThrowingAnErrorIsReportedAndTheOthersStillHear() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Reporter reporter = new Reporter(Options.defaults(), () -> stream);
        reporter.addListener(o -> {
            throw new AssertionError("listener error");
        });
        List<ReloadOutcome> heard = new ArrayList<>();
        reporter.addListener(heard::add);
        ReloadOutcome reloaded = new ReloadOutcome.Reloaded(List.of("A"), Duration.ofMillis(1));
        reporter.outcome(reloaded, "");
        assertThat(heard).containsExactly(reloaded);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("threw java.lang.AssertionError: listener error");
    }

    @Test
    void whatACorruptFileNamesNeverBreaksTheLine() {
        String line = Reporter.line(new ReloadOutcome.Refused(List.of("a.B"), List.of(new Reason("a.B", "",
                "names java.lang.Str\ning\r\u0001", Kind.UNRESOLVED_REFERENCE))), "rebuild");
        assertThat(line).doesNotContain("\n").doesNotContain("\r").contains("names java.lang.Str?ing??");
    }

    /** A reporter writing events to {@code events}, its stderr in {@code err}; told one refusal and one reload. */
    private List<ReloadOutcome> twoOutcomes(Path events, ByteArrayOutputStream err) {
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Reporter reporter = new Reporter(Options.parse("events=" + events, java.util.Map.of()), () -> stream);
        List<ReloadOutcome> heard = new ArrayList<>();
        reporter.addListener(heard::add);
        reporter.outcome(new ReloadOutcome.Refused(List.of("A"), List.of(new Reason("A", "f", "field int f added", Kind.FIELD_ADDED))), "");
        reporter.outcome(new ReloadOutcome.Reloaded(List.of("A"), Duration.ofMillis(1)), "");
        return heard;
    }

    @Test
    void anEventsFileThatIsALinkIsNotWrittenThroughAndReloadingGoesOn() throws Exception {
        Path target = Files.writeString(dir.resolve("someone-elses.txt"), "theirs\n");
        Path events = Files.createSymbolicLink(dir.resolve("events.jsonl"), target);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(twoOutcomes(events, err)).hasSize(2);
        assertThat(Files.readString(target)).isEqualTo("theirs\n");
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("events"))).containsExactly(
                "hotswap: not writing events to " + events + ": it is a symbolic link (to " + target + "); remove it, or give"
                        + " events= a file of your own; reloading goes on");
        // A link to a file not there yet: the file is not made either.
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.jsonl"), dir.resolve("made-for-them"));
        twoOutcomes(dangling, new ByteArrayOutputStream());
        assertThat(dir.resolve("made-for-them")).doesNotExist();
    }

    @Test
    void anEventsFileOfAnotherUserIsNotWritten() throws Exception {
        Path events = Files.writeString(dir.resolve("events.jsonl"), "theirs\n");
        // Only root can give a file away; as another user this case cannot be made.
        org.junit.jupiter.api.Assumptions.assumeTrue(Reporter.us().getName().equals("root"),
                "needs root to make a file owned by another user (uid 65534)");
        Files.setAttribute(events, "unix:uid", 65534);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(twoOutcomes(events, err)).hasSize(2);
        assertThat(Files.readString(events)).isEqualTo("theirs\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("hotswap: not writing events to " + events + ": it belongs to ")
                .contains(", not to this program's user, root; remove it");
    }

    @Test
    void anEventsFileOfOursIsAppendedToAndOneWithAnotherNameIsNot() throws Exception {
        Path events = Files.writeString(dir.resolve("events.jsonl"), "{}\n");
        twoOutcomes(events, new ByteArrayOutputStream());
        assertThat(Files.readAllLines(events)).hasSize(3);
        Path alias = Files.createLink(dir.resolve("alias.jsonl"), events);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        twoOutcomes(alias, err);
        assertThat(Files.readAllLines(events)).hasSize(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("it has 2 names (hard links)");
    }
}
