package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.tools.attach.VirtualMachine;
import dev.hotswap.reflect.Trusted;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access rules the engine applies for the code it wrote ({@link Access}): the JVM's, as seen
 * from the code's source class, whatever lookup reached the bootstrap. The rules by hand are
 * checked against the JDK's classes (another package, another module, a package java.base does
 * not export); the lookup the engine resolves with has the source's rights and no more.
 */
class AccessTest {
    /** A subclass, in this package, of a class of another package with protected members. */
    static final class Sub extends AbstractList<String> {
        @Override
        public String get(int index) {
            return "";
        }

        @Override
        public int size() {
            return 0;
        }
    }

    /** A nested class: of this class's nest. */
    static final class Inner {
    }

    private static Class<?> unsafe() throws ClassNotFoundException {
        return Class.forName("jdk.internal.misc.Unsafe");
    }

    // ---- member access (JVMS 5.4.4) ----

    @Test
    void publicMembersAreAllowed() {
        assertThat(Access.memberRefusal(AccessTest.class, String.class, Modifier.PUBLIC)).isEmpty();
    }

    @Test
    void privateMembersOnlyInTheNest() {
        assertThat(Access.memberRefusal(AccessTest.class, String.class, Modifier.PRIVATE)).get().asString()
                .contains("private");
        assertThat(Access.memberRefusal(Inner.class, AccessTest.class, Modifier.PRIVATE)).isEmpty();
        assertThat(Access.memberRefusal(AccessTest.class, Inner.class, Modifier.PRIVATE | Modifier.STATIC)).isEmpty();
        // Same package, another nest.
        assertThat(Access.memberRefusal(AccessTest.class, Registry.class, Modifier.PRIVATE)).isPresent();
    }

    @Test
    void packagePrivateMembersOnlyInTheRuntimePackage() {
        assertThat(Access.memberRefusal(AccessTest.class, Registry.class, 0)).isEmpty();
        assertThat(Access.memberRefusal(AccessTest.class, String.class, 0)).get().asString().contains("package-private");
        assertThat(Access.memberRefusal(AccessTest.class, String.class, Modifier.STATIC)).isPresent();
    }

    @Test
    void protectedMembersFromTheSamePackageOrASubclass() {
        // AbstractList.modCount, removeRange: protected, in java.util.
        assertThat(Access.memberRefusal(Sub.class, AbstractList.class, Modifier.PROTECTED)).isEmpty();
        assertThat(Access.memberRefusal(AccessTest.class, AbstractList.class, Modifier.PROTECTED)).get().asString()
                .contains("protected");
        assertThat(Access.memberRefusal(AccessTest.class, Registry.class, Modifier.PROTECTED)).isEmpty();
        // Object.clone: every class is a subclass of Object.
        assertThat(Access.memberRefusal(AccessTest.class, Object.class, Modifier.PROTECTED)).isEmpty();
    }

    @Test
    void protectedInstanceMembersOfAnotherPackageOnTheSourcesOwnReceivers() {
        assertThat(Access.restrictsReceiver(Sub.class, AbstractList.class, Modifier.PROTECTED)).isTrue();
        assertThat(Access.restrictsReceiver(Sub.class, AbstractList.class, Modifier.PROTECTED | Modifier.STATIC)).isFalse();
        assertThat(Access.restrictsReceiver(Sub.class, AbstractList.class, Modifier.PUBLIC)).isFalse();
        assertThat(Access.restrictsReceiver(AccessTest.class, Registry.class, Modifier.PROTECTED)).isFalse();
        assertThat(Access.restrictsReceiver(Sub.class, Sub.class, Modifier.PROTECTED)).isFalse();
    }

    @Test
    void narrowedReceiversOfAnotherClassFailTheCast() throws Throwable {
        MethodHandle size = MethodHandles.lookup().findVirtual(AbstractList.class, "size", MethodType.methodType(int.class));
        MethodHandle narrowed = Access.narrow(size, Sub.class).asType(size.type());
        assertThat((int) narrowed.invokeExact((AbstractList<?>) new Sub())).isZero();
        assertThatThrownBy(() -> {
            int ignored = (int) narrowed.invokeExact((AbstractList<?>) new java.util.ArrayList<>(List.of("x")));
        }).isInstanceOf(ClassCastException.class);
    }

    @Test
    void invokespecialOnlyToTheSourceAndItsSupertypes() {
        assertThat(Access.specialRefusal(Sub.class, Sub.class)).isEmpty();
        assertThat(Access.specialRefusal(Sub.class, AbstractList.class)).isEmpty();
        assertThat(Access.specialRefusal(Sub.class, Object.class)).isEmpty();
        assertThat(Access.specialRefusal(Sub.class, List.class)).isEmpty();
        assertThat(Access.specialRefusal(Sub.class, String.class)).get().asString().contains("invokespecial");
        assertThat(Access.specialRefusal(Sub.class, java.util.ArrayList.class)).isPresent();
    }

    @Test
    void nestsNeverSpanPackagesOrLoaders() {
        assertThat(Access.sameNest(Inner.class, AccessTest.class)).isTrue();
        assertThat(Access.sameNest(AccessTest.class, Registry.class)).isFalse();
        assertThat(Access.sameNest(AccessTest.class, String.class)).isFalse();
        assertThat(Access.samePackage(AccessTest.class, Registry.class)).isTrue();
        assertThat(Access.samePackage(AccessTest.class, String.class)).isFalse();
    }

    // ---- class accessibility (with modules) ----

    @Test
    void classesOfPackagesNotExportedAreRefused() throws Exception {
        MethodHandles.Lookup own = MethodHandles.lookup();
        assertThat(Access.classRefusal(own, String.class)).isEmpty();
        assertThat(Access.classRefusal(own, int[].class)).isEmpty();
        assertThat(Access.classRefusal(own, Registry.class)).isEmpty();
        assertThat(Access.classRefusal(own, unsafe())).get().asString()
                .contains("does not export jdk.internal.misc");
        assertThat(Access.classRefusal(own, unsafe().arrayType())).isPresent();
        // A package-private class of an exported package.
        assertThat(Access.classRefusal(own, Class.forName("java.util.ImmutableCollections"))).get().asString()
                .contains("not public");
    }

    // ---- the lookup the engine resolves with ----

    private static Instrumentation instrumentation;

    @TempDir
    static Path dir;

    /** The agent's entry point (as in TransactionTest): this class, named by a manifest-only jar. */
    public static void agentmain(String arguments, Instrumentation inst) {
        instrumentation = inst;
    }

    private static MethodHandles.Lookup trusted;

    @BeforeAll
    static void attach() throws Exception {
        Path jar = dir.resolve("agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Agent-Class", AccessTest.class.getName());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // the manifest is all
        }
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(jar.toString());
        } finally {
            vm.detach();
        }
        // The engine's classes come from a folder here, not from its module: this test opens what its module would get.
        instrumentation.redefineModule(Object.class.getModule(), java.util.Set.of(), java.util.Map.of(),
                java.util.Map.of("java.lang.invoke", java.util.Set.of(AccessTest.class.getModule())), java.util.Set.of(),
                java.util.Map.of());
        trusted = Trusted.lookup(instrumentation);
    }

    @Test
    void aForgedLookupGetsTheSourcesRightsWithoutBindingCallers() throws Exception {
        MethodHandles.Lookup forged = MethodHandles.privateLookupIn(Sub.class, MethodHandles.lookup());
        Access access = Access.of(forged, new Registry(), trusted);
        assertThat(access.source).isSameAs(Sub.class);
        assertThat(access.lookup().lookupClass()).isSameAs(Sub.class);
        assertThat(access.lookup().hasFullPrivilegeAccess()).isTrue();
        assertThat(access.lookup().lookupModes() & MethodHandles.Lookup.ORIGINAL).isZero();
        assertThat(access.lookup().lookupModes() & MethodHandles.Lookup.PROTECTED).isNotZero();
        // A caller-sensitive method needs ORIGINAL: the forged caller had none, so none here.
        assertThatThrownBy(() -> access.lookup().findStatic(Class.class, "forName",
                MethodType.methodType(Class.class, String.class))).isInstanceOf(IllegalAccessException.class);

        Access own = Access.of(MethodHandles.privateLookupIn(Sub.class, trusted), new Registry(), trusted);
        assertThat(own.lookup().lookupModes() & MethodHandles.Lookup.ORIGINAL).isNotZero();
    }

    @Test
    void theSourcesLookupIsRefusedWhatTheSourceMayNotReach() throws Exception {
        Access access = Access.of(MethodHandles.privateLookupIn(Sub.class, MethodHandles.lookup()), new Registry(), trusted);
        assertThatThrownBy(() -> access.lookup().findStaticGetter(unsafe(), "theUnsafe", unsafe()))
                .isInstanceOf(IllegalAccessException.class);
        assertThatThrownBy(() -> access.lookup().findGetter(String.class, "value", byte[].class))
                .isInstanceOf(IllegalAccessException.class);
        // Protected, of a superclass elsewhere: reached, on the source's own receivers only.
        MethodHandle removeRange = access.lookup().findVirtual(AbstractList.class, "removeRange",
                MethodType.methodType(void.class, int.class, int.class));
        assertThat(removeRange.type().parameterType(0)).isSameAs(Sub.class);
    }

    @Test
    void refusalsNameTheSourceTheMemberAndWhy() throws Exception {
        Access access = Access.of(MethodHandles.privateLookupIn(Sub.class, MethodHandles.lookup()), new Registry(), trusted);
        assertThatThrownBy(() -> access.member(String.class, String.class, Modifier.PRIVATE | Modifier.FINAL, "String.value"))
                .isInstanceOf(IllegalAccessException.class)
                .hasMessageContaining(Sub.class.getName()).hasMessageContaining("String.value").hasMessageContaining("private");
        assertThatThrownBy(() -> access.member(unsafe(), unsafe(), Modifier.PUBLIC | Modifier.STATIC, "Unsafe.getUnsafe"))
                .isInstanceOf(IllegalAccessException.class).hasMessageContaining("jdk.internal.misc.Unsafe")
                .hasMessageContaining("does not export");
        assertThatThrownBy(() -> access.special(String.class, "String.length")).isInstanceOf(IllegalAccessException.class)
                .hasMessageContaining("invokespecial");
        assertThatThrownBy(() -> access.finalWrite(AbstractList.class, Modifier.FINAL, "AbstractList.x"))
                .isInstanceOf(IllegalAccessException.class).hasMessageContaining("final");
        access.finalWrite(Sub.class, Modifier.FINAL, "Sub.x"); // its own
        access.member(AbstractList.class, AbstractList.class, Modifier.PROTECTED, "AbstractList.modCount");
        // A protected constructor of another package: no new of it.
        assertThatThrownBy(() -> access.constructor(AbstractList.class, Modifier.PROTECTED, "AbstractList.<init>()V"))
                .isInstanceOf(IllegalAccessException.class);
    }
}
