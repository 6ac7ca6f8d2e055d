package dev.hotswap.classfile;

import java.util.Map;

/** Opens the test compiler to tests of other packages. */
public final class CompilerAccess {
    private CompilerAccess() {
    }

    public static Map<String, byte[]> compile(Map<String, String> sources) {
        return Compiler.compile(sources);
    }
}
