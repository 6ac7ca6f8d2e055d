package dev.hotswap.structural;

import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * The access rules of a fresh start, for members the engine reaches with its full-privilege
 * lookup on behalf of code it wrote: that code may reach what its source class could, never
 * more. The source class of a version is the class it runs for.
 */
final class Access {
    private Access() {
    }

    /** The class whose source the code of {@code caller} is: the host of one of the engine's hidden classes, else itself. */
    static Class<?> source(Class<?> caller, Registry registry) {
        return caller.isHidden() || VersionLoader.isVersion(caller) ? registry.hostOf(caller).orElse(caller) : caller;
    }

    /** True when code of {@code caller} may use a member of {@code owner} with these modifiers. */
    static boolean allowed(Class<?> caller, Class<?> owner, int modifiers, Registry registry) {
        Class<?> source = source(caller, registry);
        if (Modifier.isPublic(modifiers)) {
            return true;
        }
        if (Modifier.isPrivate(modifiers)) {
            return sameNest(caller, owner, registry);
        }
        boolean samePackage = source.getClassLoader() == owner.getClassLoader()
                && Objects.equals(source.getPackageName(), owner.getPackageName());
        return samePackage || (Modifier.isProtected(modifiers) && owner.isAssignableFrom(source));
    }

    /**
     * True when the two classes are of one nest as compiled: the same nest host, or the caller
     * is a nested class of the other's nest host that left the nest as it loaded ({@link LoadRewriter}).
     */
    static boolean sameNest(Class<?> caller, Class<?> owner, Registry registry) {
        Class<?> source = source(caller, registry);
        if (source.getClassLoader() != owner.getClassLoader()) {
            return false;
        }
        Class<?> host = owner.getNestHost();
        Class<?> sourceHost = source.getNestHost();
        return host == sourceHost || source.getName().startsWith(host.getName() + "$")
                || owner.getName().startsWith(sourceHost.getName() + "$");
    }
}
