package dev.hotswap.maven;

import dev.hotswap.dev.DevMode;
import dev.hotswap.dev.DevSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * {@code mvn hotswap:dev}: hotswap's dev mode for this project. The source roots, resources,
 * output folder and runtime class path come from Maven; the program runs in a JVM of its own with
 * hotswap as its agent, and every save is compiled in Maven's JVM and swapped into it as one
 * batch. Ends when the program ends, or with Ctrl-C.
 */
@Mojo(name = "dev", requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public class DevMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The program's main class. */
    @Parameter(property = "hotswap.mainClass", required = true)
    private String mainClass;

    /** The program's arguments, separated by spaces. */
    @Parameter(property = "hotswap.args")
    private String args;

    /** Options for the program's JVM, separated by spaces ({@code -Xmx1g -Dkey=value}). */
    @Parameter(property = "hotswap.jvmArgs")
    private String jvmArgs;

    /** The Java release the sources are compiled for; the project's {@code maven.compiler.release} by default. */
    @Parameter(property = "hotswap.release", defaultValue = "${maven.compiler.release}")
    private String release;

    @Override
    public void execute() throws MojoExecutionException {
        List<Path> sources = project.getCompileSourceRoots().stream().map(Path::of).filter(Files::isDirectory).toList();
        if (sources.isEmpty()) {
            throw new MojoExecutionException("hotswap:dev: the project has no source folder (" + project.getCompileSourceRoots() + ")");
        }
        List<Path> resources = new ArrayList<>();
        for (Resource resource : project.getResources()) {
            Path dir = Path.of(resource.getDirectory());
            if (Files.isDirectory(dir)) {
                if (resource.isFiltering() || resource.getTargetPath() != null) {
                    getLog().warn("hotswap:dev copies " + dir + " as it is: its filtering or targetPath is not applied");
                }
                resources.add(dir);
            }
        }
        Path out = Path.of(project.getBuild().getOutputDirectory());
        List<Path> classPath = new ArrayList<>();
        try {
            for (String element : project.getRuntimeClasspathElements()) {
                classPath.add(Path.of(element));
            }
        } catch (org.apache.maven.artifact.DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("hotswap:dev: cannot resolve the runtime class path", e);
        }
        List<String> javac = new ArrayList<>(DevSettings.DEFAULT_JAVAC);
        if (release != null && !release.isBlank()) {
            javac.addAll(List.of("--release", release.strip()));
        }
        javac.addAll(List.of("-encoding", project.getProperties().getProperty("project.build.sourceEncoding", "UTF-8")));
        DevSettings settings = new DevSettings(mainClass, classPath, sources, resources, out, javac, words(jvmArgs), words(args));
        int status = DevMode.run(settings, System.err);
        if (status != 0) {
            throw new MojoExecutionException("hotswap:dev: the program ended with status " + status);
        }
    }

    private static List<String> words(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.asList(text.strip().split("\\s+"));
    }
}
