package dev.hotswap.reload;

import dev.hotswap.structural.Catchers;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * Plants {@link Catchers} in each class that loads from a watched folder, so that a
 * {@code toString()}, {@code hashCode()} or {@code equals(Object)} added by a later swap is
 * reached. Registered as a transformer that cannot retransform: it runs before
 * {@link RunningBytes}, to which it hands the class file as compiled (the next compile is
 * compared with that), and the JVM keeps no second copy of the class file for it.
 */
final class Planting implements ClassFileTransformer {
    private static final System.Logger LOG = System.getLogger(Planting.class.getName());
    private final RunningBytes running;
    private final Catchers catchers = new Catchers();

    Planting(RunningBytes running) {
        this.running = running;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined, ProtectionDomain domain,
                            byte[] classfileBuffer) {
        if (loader == null || className == null || classBeingRedefined != null || !running.isWatched(domain)) {
            return null;
        }
        running.seen(loader, className, classfileBuffer);
        try {
            return catchers.plant(classfileBuffer, Catchers.ClassFiles.of(loader));
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "no catchers planted in " + className, e);
            return null; // the class loads as compiled; only an added toString() would then be refused
        }
    }
}
