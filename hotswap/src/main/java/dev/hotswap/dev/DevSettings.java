package dev.hotswap.dev;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What dev mode builds and runs. Paths are absolute.
 *
 * @param mainClass the program's main class
 * @param classPath what the program needs besides its own classes (libraries), in order
 * @param sources folders of {@code .java} files, compiled on change
 * @param resources folders whose files are copied into {@code out} on change
 * @param out where class files and resources go; first on the program's class path
 * @param javacOptions javac's options besides the class path ({@code -g -parameters} and what the user adds)
 * @param jvmOptions options of the program's JVM ({@code -Xmx1g}, {@code -Dkey=value})
 * @param args the program's arguments
 */
public record DevSettings(String mainClass, List<Path> classPath, List<Path> sources, List<Path> resources, Path out,
                          List<String> javacOptions, List<String> jvmOptions, List<String> args) {

    /** javac's options in dev mode unless the user names others: debugging information, and parameter names (Spring reads them). */
    public static final List<String> DEFAULT_JAVAC = List.of("-g", "-parameters");

    public DevSettings {
        classPath = absolute(classPath);
        sources = absolute(sources);
        resources = absolute(resources);
        out = out.toAbsolutePath().normalize();
        javacOptions = List.copyOf(javacOptions);
        jvmOptions = List.copyOf(jvmOptions);
        args = List.copyOf(args);
    }

    private static List<Path> absolute(List<Path> paths) {
        return paths.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    /** The class path the sources compile against and the program runs with: {@code out} first. */
    public List<Path> runClassPath() {
        List<Path> all = new ArrayList<>();
        all.add(out);
        classPath.stream().filter(p -> !p.equals(out)).forEach(all::add);
        return all;
    }

    /** Where sources an annotation processor generates go: beside the output folder ({@code target/generated-sources/hotswap-dev}). */
    public Path generatedSources() {
        Path parent = out.getParent() == null ? out : out.getParent();
        return parent.resolve("generated-sources").resolve("hotswap-dev");
    }

    /** A bad command line, said in one sentence. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code dev}'s command line: {@code --main CLASS [--cp PATH] [--src DIR]…
     * [--resources DIR]… [--out DIR] [--javac OPTION]… [--jvm OPTION]… [-- ARGS…]}, with Maven's
     * layout below {@code base} as the defaults.
     */
    public static DevSettings parse(List<String> arguments, Path base) throws UsageException {
        String main = null;
        List<Path> classPath = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        List<Path> resources = new ArrayList<>();
        Path out = null;
        List<String> javac = new ArrayList<>();
        List<String> jvm = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String a = arguments.get(i);
            if (a.equals("--")) {
                args.addAll(arguments.subList(i + 1, arguments.size()));
                break;
            }
            String value = i + 1 < arguments.size() ? arguments.get(i + 1) : null;
            if (!List.of("--main", "--cp", "--class-path", "--src", "--resources", "--out", "--javac", "--jvm").contains(a)) {
                throw new UsageException("dev: unknown option '" + a + "' (program arguments go after --)");
            }
            if (value == null) {
                throw new UsageException("dev: " + a + " needs a value");
            }
            i++;
            switch (a) {
                case "--main" -> main = value;
                case "--cp", "--class-path" -> {
                    for (String entry : value.split(java.util.regex.Pattern.quote(File.pathSeparator))) {
                        if (!entry.isBlank()) {
                            classPath.add(base.resolve(entry));
                        }
                    }
                }
                case "--src" -> sources.add(base.resolve(value));
                case "--resources" -> resources.add(base.resolve(value));
                case "--out" -> out = base.resolve(value);
                case "--javac" -> javac.add(value);
                default -> jvm.add(value);
            }
        }
        if (main == null) {
            throw new UsageException("dev: --main CLASS is required (the program's main class)");
        }
        if (sources.isEmpty()) {
            sources.add(base.resolve("src/main/java"));
        }
        if (resources.isEmpty() && Files.isDirectory(base.resolve("src/main/resources"))) {
            resources.add(base.resolve("src/main/resources"));
        }
        for (Path source : sources) {
            if (!Files.isDirectory(source)) {
                throw new UsageException("dev: the source folder " + source + " does not exist (name it with --src DIR)");
            }
        }
        List<String> options = new ArrayList<>(DEFAULT_JAVAC);
        options.addAll(javac);
        return new DevSettings(main, classPath, sources, resources,
                Optional.ofNullable(out).orElse(base.resolve("target/classes")), options, jvm, args);
    }
}
