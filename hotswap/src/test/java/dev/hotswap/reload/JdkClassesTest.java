package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one "is this a JDK class" rule: the JDK's modules decide, not a list of prefixes. */
class JdkClassesTest {
    @Test
    void theJdksOwnPackagesAreJdkClasses() {
        assertThat(JdkClasses.isJdk("java.lang.String")).isTrue();
        assertThat(JdkClasses.isJdk("java/util/List")).isTrue();
        assertThat(JdkClasses.isJdk("java.made.Up")).as("only the JDK may define java.*").isTrue();
        assertThat(JdkClasses.isJdk("jdk.internal.misc.Unsafe")).isTrue();
        assertThat(JdkClasses.isJdk("sun.misc.Unsafe")).isTrue();
        assertThat(JdkClasses.isJdk("com.sun.net.httpserver.HttpServer")).isTrue();
        assertThat(JdkClasses.isJdk("javax.management.ObjectName")).isTrue();
    }

    @Test
    void theProgramsClassesAndClassPathLibrariesAreNot() {
        assertThat(JdkClasses.isJdk("app.Main")).isFalse();
        assertThat(JdkClasses.isJdk("Main")).isFalse();
        assertThat(JdkClasses.isJdk("javax.servlet.http.HttpServlet")).as("a javax library on the class path").isFalse();
        assertThat(JdkClasses.isJdk("com.sunny.App")).isFalse();
        assertThat(JdkClasses.isJdk("jdkfoo.Bar")).isFalse();
    }
}
