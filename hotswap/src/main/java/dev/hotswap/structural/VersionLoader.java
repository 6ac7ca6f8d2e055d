package dev.hotswap.structural;

/**
 * The class loader of one named version ({@link Relocator}): it defines exactly one class, under
 * the name of the class it runs code for, so that a debugger that matches classes by name (as
 * IntelliJ IDEA and jdb do) sees it prepared and sets its breakpoints in it, and profilers and
 * stack walkers name the user's class. Every other name is its parent's (the host's loader), but
 * the engine's bootstrap class is the engine's own, so a version in a loader that cannot see
 * hotswap still links to it. Unreachable once no call site and no frame uses the version: then
 * the class is unloaded with it.
 */
final class VersionLoader extends ClassLoader {
    private static final String LINK = dev.hotswap.boot.Link.class.getName();

    static {
        registerAsParallelCapable();
    }

    private final String versionName;
    /** The bytes the version was defined with: what a debugger's redefinition of it must be given back. */
    private volatile byte[] defined;

    VersionLoader(ClassLoader host, String versionName) {
        super(host); // unnamed: a trace reads app.Worker.tick(Worker.java:8), as the class it runs for
        this.versionName = versionName;
    }

    /** Defines the version; no protection domain: it is nothing a watched folder holds. */
    Class<?> define(byte[] bytes) {
        Class<?> version = defineClass(versionName, bytes, 0, bytes.length);
        defined = bytes;
        return version;
    }

    /** The bytes a named version was defined with; null for any other class. */
    static byte[] definedBytes(Class<?> type) {
        return type.getClassLoader() instanceof VersionLoader v ? v.defined : null;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals(versionName)) {
            Class<?> own = findLoadedClass(name);
            if (own != null) {
                return own;
            }
            throw new ClassNotFoundException(name);
        }
        if (name.equals(LINK)) {
            return dev.hotswap.boot.Link.class;
        }
        return super.loadClass(name, resolve);
    }

    /** True when {@code type} is a named version of the engine's, not a class of the program. */
    static boolean isVersion(Class<?> type) {
        return type.getClassLoader() instanceof VersionLoader;
    }
}
