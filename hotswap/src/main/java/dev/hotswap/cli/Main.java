package dev.hotswap.cli;

import dev.hotswap.agent.AttachHelper;
import dev.hotswap.dev.DevMode;
import dev.hotswap.dev.DevSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar hotswap.jar}: the command line. {@code attach <pid> [options]} loads the agent
 * into a running JVM, which then watches its class path (or the folders named in the options);
 * {@code dev --main CLASS …} builds a program's sources, runs it, and swaps each save.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("version") || args[0].equals("--version")) {
            out.println("hotswap " + version());
            return 0;
        }
        if (args[0].equals("attach") && (args.length == 2 || args.length == 3)) {
            String jar = dev.hotswap.agent.Attacher.agentJarHint();
            try {
                AttachHelper.load(args[1], jar, args.length == 3 ? args[2] : "");
                out.println("hotswap: agent loaded into " + args[1] + "; its output shows what is watched");
                return 0;
            } catch (Exception | LinkageError e) {
                err.println("hotswap: cannot attach to " + args[1] + ": " + e);
                return 1;
            }
        }
        if (List.of("push", "status", "history", "rollback").contains(args[0])) {
            return fleet(args, out, err);
        }
        if (args[0].equals("dev")) {
            try {
                DevSettings settings = DevSettings.parse(List.of(args).subList(1, args.length), Path.of(""));
                return DevMode.run(settings, err);
            } catch (DevSettings.UsageException e) {
                err.println("hotswap " + e.getMessage());
                usage(err);
                return 2;
            }
        }
        usage(err);
        return 2;
    }

    /** {@code push --to T[,T…] [--user U --password-file F] [--ssl] DIR}, {@code status|history|rollback T…}. */
    private static int fleet(String[] args, PrintStream out, PrintStream err) {
        java.util.List<String> targets = new java.util.ArrayList<>();
        java.util.Optional<String> user = java.util.Optional.empty();
        java.util.Optional<Path> passwordFile = java.util.Optional.empty();
        boolean ssl = false;
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            boolean valued = a.equals("--to") || a.equals("--user") || a.equals("--password-file");
            if (valued && i + 1 >= args.length) {
                err.println("hotswap " + args[0] + ": " + a + " needs a value");
                return 2;
            }
            switch (a) {
                case "--to" -> targets.addAll(java.util.Arrays.stream(args[++i].split(",")).map(String::strip)
                        .filter(t -> !t.isEmpty()).toList());
                case "--user" -> user = java.util.Optional.of(args[++i]);
                case "--password-file" -> passwordFile = java.util.Optional.of(Path.of(args[++i]));
                case "--ssl" -> ssl = true;
                default -> rest.add(a);
            }
        }
        Fleet fleet = new Fleet(new Fleet.Login(user, passwordFile, ssl), out);
        try {
            if (args[0].equals("push")) {
                if (targets.isEmpty() || rest.size() != 1) {
                    err.println("usage: java -jar hotswap.jar push --to TARGET[,TARGET...] [--user NAME --password-file FILE] DIR");
                    return 2;
                }
                return fleet.push(targets, Path.of(rest.get(0)));
            }
            rest.forEach(r -> targets.addAll(java.util.Arrays.stream(r.split(",")).map(String::strip)
                    .filter(t -> !t.isEmpty()).toList()));
            if (targets.isEmpty()) {
                err.println("usage: java -jar hotswap.jar " + args[0] + " TARGET [--user NAME --password-file FILE]");
                return 2;
            }
            return switch (args[0]) {
                case "rollback" -> fleet.rollback(targets);
                case "status" -> targets.stream().mapToInt(fleet::status).max().orElse(0);
                default -> targets.stream().mapToInt(fleet::history).max().orElse(0);
            };
        } catch (java.io.IOException e) {
            err.println("hotswap " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }

    private static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "(development)" : version;
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: java -jar hotswap.jar attach <pid> [options]   load hotswap into a running JVM
                       java -jar hotswap.jar dev --main CLASS [--cp PATH] [--src DIR]... [--resources DIR]...
                                 [--out DIR] [--javac OPTION]... [--jvm OPTION]... [-- ARGS...]
                           build the sources (default src/main/java) into DIR (default target/classes), run
                           CLASS with hotswap, and compile and swap each save (resources: src/main/resources)
                       java -jar hotswap.jar push --to TARGET[,TARGET...] [--user NAME --password-file FILE] [--ssl] DIR
                           send each target the class files of DIR that differ from what it runs, as one batch each
                       java -jar hotswap.jar status|history|rollback TARGET[,TARGET...] [--user NAME --password-file FILE] [--ssl]
                           TARGET: a pid (a local JVM) or host:port of a JVM's JMX agent (-Dcom.sun.management.jmxremote.port)
                       java -jar hotswap.jar version
                In a program: Hotswap.start() as the first line of main, or java -javaagent:hotswap.jar[=options] ...
                options (comma-separated, or -Dhotswap.<key>=<value>):
                  watch=DIR[:DIR...]  folders to watch (default: every folder on the class path)
                  settle=3ms          a complete compile is swapped once no class file arrived for this long
                  quiet=50ms          with settle=off (or quiet alone set): a fixed quiet period instead
                  poll[=200ms]        poll the folders instead of using file-system events
                  retry=1s            how long a half-written class file is waited for
                  verbosity=normal    quiet | normal | verbose
                  events=FILE         append one JSON line per reload outcome to FILE
                  batches=DIR         take complete compiles as a build announces them in DIR (what dev uses)""");
    }
}
