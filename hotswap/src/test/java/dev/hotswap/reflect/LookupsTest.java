package dev.hotswap.reflect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Modifier;
import java.util.AbstractList;
import org.junit.jupiter.api.Test;

/**
 * The checks of {@code Lookup}'s answers for members a swap added ({@link Lookups}): those the
 * JDK makes for a member it knows, by the lookup's class and modes.
 */
class LookupsTest {
    abstract static class Sub extends AbstractList<String> {
    }

    private static final int PUBLIC_ONLY = MethodHandles.Lookup.UNCONDITIONAL;

    @Test
    void aPublicLookupReachesOnlyPublicMembers() {
        assertThat(Lookups.allowed(Object.class, PUBLIC_ONLY, LookupsTest.class, Modifier.PUBLIC)).isTrue();
        assertThat(Lookups.allowed(Object.class, PUBLIC_ONLY, LookupsTest.class, 0)).isFalse();
        assertThat(Lookups.allowed(Object.class, PUBLIC_ONLY, LookupsTest.class, Modifier.PROTECTED)).isFalse();
        assertThat(Lookups.allowed(Object.class, PUBLIC_ONLY, Object.class, Modifier.PRIVATE)).isFalse();
    }

    @Test
    void aFullLookupReachesItsNestPackageAndSuperclassesProtectedMembers() {
        int full = MethodHandles.lookup().lookupModes();
        assertThat(Lookups.allowed(Sub.class, full, LookupsTest.class, Modifier.PRIVATE)).isTrue();
        assertThat(Lookups.allowed(Sub.class, full, Lookups.class, Modifier.PRIVATE)).isFalse();
        assertThat(Lookups.allowed(Sub.class, full, Lookups.class, 0)).isTrue();
        assertThat(Lookups.allowed(Sub.class, full, AbstractList.class, Modifier.PROTECTED)).isTrue();
        assertThat(Lookups.allowed(LookupsTest.class, full, AbstractList.class, Modifier.PROTECTED)).isFalse();
        assertThat(Lookups.allowed(LookupsTest.class, full, AbstractList.class, 0)).isFalse();
    }

    @Test
    void classesOfPackagesNotExportedAreRefusedBeforeTheirMembers() throws Exception {
        Class<?> unsafe = Class.forName("jdk.internal.misc.Unsafe");
        assertThatThrownBy(() -> Lookups.check(MethodHandles.lookup(), unsafe, Modifier.PUBLIC | Modifier.STATIC, unsafe,
                "getUnsafe", false)).isInstanceOf(IllegalAccessException.class).hasMessageContaining("not accessible");
        assertThatThrownBy(() -> Lookups.check(MethodHandles.publicLookup(), Lookups.class, Modifier.PUBLIC, Lookups.class,
                "answer", false)).isInstanceOf(IllegalAccessException.class);
        Lookups.check(MethodHandles.lookup(), Lookups.class, 0, Lookups.class, "answer", false);
    }

    @Test
    void aProtectedConstructorIsNoNewFromAnotherPackage() {
        assertThatThrownBy(() -> Lookups.check(MethodHandles.lookup().in(Sub.class), AbstractList.class, Modifier.PROTECTED,
                AbstractList.class, "<init>", true)).isInstanceOf(IllegalAccessException.class);
    }

    @Test
    void findSpecialNeedsPrivateAccessAndItsOwnClass() throws Exception {
        assertThatThrownBy(() -> Lookups.specialLookup(MethodHandles.publicLookup(), LookupsTest.class, Object.class,
                Object.class, "toString")).isInstanceOf(IllegalAccessException.class)
                .hasMessageContaining("no private access for invokespecial");
        assertThatThrownBy(() -> Lookups.specialLookup(MethodHandles.lookup(), Sub.class, AbstractList.class,
                AbstractList.class, "size")).isInstanceOf(IllegalAccessException.class)
                .hasMessageContaining("no private access for invokespecial");
        assertThatThrownBy(() -> Lookups.specialLookup(MethodHandles.lookup(), LookupsTest.class, String.class,
                String.class, "length")).isInstanceOf(IllegalAccessException.class)
                .hasMessageContaining("subclass below the method");
        MethodHandles.Lookup own = MethodHandles.lookup();
        assertThat(Lookups.specialLookup(own, LookupsTest.class, Object.class, Object.class, "toString")).isSameAs(own);
    }
}
