package dev.hotswap.integration;

import java.io.IOException;
import java.io.InputStream;

/**
 * Loads one follower's classes from hotswap's jar, in a loader whose parent is the framework's:
 * the follower links against the framework the program loaded (whatever loader that is: the
 * class path, a Spring Boot jar's, a container's) and against hotswap's own classes, which come
 * from hotswap's loader so that the follower and the engine share them.
 */
final class FollowerLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final String ownPackage;
    private final ClassLoader ours;

    FollowerLoader(String name, ClassLoader framework, String ownPackage) {
        super("hotswap-" + name, framework);
        this.ownPackage = ownPackage;
        this.ours = FollowerLoader.class.getClassLoader();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith("dev.hotswap.")) {
            return super.loadClass(name, resolve);
        }
        if (!name.startsWith(ownPackage)) {
            return Class.forName(name, false, ours);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded != null) {
                return loaded;
            }
            try (InputStream in = ours.getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
