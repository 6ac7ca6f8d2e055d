package dev.hotswap.reload;

import java.util.HashSet;
import java.util.Set;

/**
 * The one rule for "is this a JDK class", which hotswap never replaces: its package belongs to a
 * module of the boot layer that the bootstrap or platform class loader defines ({@code java.*},
 * {@code jdk.*}, {@code sun.*}, {@code com.sun.*}, and the JDK's own {@code javax.*}), or it is a
 * {@code java.*} class, which only the JDK may define. A {@code javax.*} library on the class path
 * is the program's.
 */
final class JdkClasses {
    private static volatile Set<String> packages;

    private JdkClasses() {
    }

    /** For a binary ({@code java.lang.String}) or internal ({@code java/lang/String}) name. */
    static boolean isJdk(String name) {
        String binary = name.replace('/', '.');
        if (binary.startsWith("java.")) {
            return true;
        }
        int dot = binary.lastIndexOf('.');
        return dot > 0 && packages().contains(binary.substring(0, dot));
    }

    private static Set<String> packages() {
        Set<String> known = packages;
        if (known == null) {
            Set<String> all = new HashSet<>();
            ClassLoader platform = ClassLoader.getPlatformClassLoader();
            for (Module module : ModuleLayer.boot().modules()) {
                ClassLoader loader = module.getClassLoader();
                if (loader == null || loader == platform) {
                    all.addAll(module.getPackages());
                }
            }
            packages = known = Set.copyOf(all);
        }
        return known;
    }
}
