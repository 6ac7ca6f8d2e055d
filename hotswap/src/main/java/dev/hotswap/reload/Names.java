package dev.hotswap.reload;

import java.util.List;
import java.util.stream.Collectors;

/** Names and counts as hotswap's lines show them, whichever stage writes the line. */
final class Names {
    private static final int SHOWN = 8;

    private Names() {
    }

    /** {@code a, b, c and 4 more}: the first few names, then how many more. */
    static String shown(List<String> names) {
        String shown = names.stream().limit(SHOWN).collect(Collectors.joining(", "));
        return names.size() > SHOWN ? shown + " and " + (names.size() - SHOWN) + " more" : shown;
    }

    /** {@code 1 class}, {@code 2 classes}. */
    static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
